#pragma once
// deepbach's figures for `cadenza eval` (models/family.h): beside the NLL per voice-step
// of all four voices, the NLL of each voice's network, by voice name, and the same split
// by the kind of cell predicted (a note onset, a hold, a rest): share, NLL, accuracy.
#include "models/family.h"

namespace cadenza::models::deepbach {

EvalReport voice_eval_report(Model& model, const Dataset& data, DataSplit split);

}  // namespace cadenza::models::deepbach
