#pragma once
// Everything a user of the engine needs in one include.
#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "engine/rng.h"
#include "engine/tensor.h"
#include "ops/autograd.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/matmul.h"
#include "ops/reduce.h"
#include "ops/unary.h"
#include "ops/view.h"
