#include "live/lv2/plugin.h"

#include <lv2/atom/util.h>
#include <lv2/core/lv2.h>
#include <lv2/midi/midi.h>
#include <lv2/state/state.h>
#include <lv2/time/time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "live/lv2/plugin_state.h"

namespace cadenza::live::lv2 {
namespace {

// How often run() hands the worker a pass when nothing was played (phrase ends and the
// accompaniment's beats need it too): a few milliseconds, as the JACK worker's clock.
constexpr double kWorkEverySeconds = 0.002;

}  // namespace

Uris::Uris(const LV2_URID_Map* m) {
  auto u = [m](const char* uri) { return m->map(m->handle, uri); };
  atom_blank = u(LV2_ATOM__Blank);
  atom_object = u(LV2_ATOM__Object);
  atom_float = u(LV2_ATOM__Float);
  atom_double = u(LV2_ATOM__Double);
  atom_int = u(LV2_ATOM__Int);
  atom_long = u(LV2_ATOM__Long);
  atom_path = u(LV2_ATOM__Path);
  atom_string = u(LV2_ATOM__String);
  atom_sequence = u(LV2_ATOM__Sequence);
  midi_event = u(LV2_MIDI__MidiEvent);
  time_position = u(LV2_TIME__Position);
  time_bar_beat = u(LV2_TIME__barBeat);
  time_bpm = u(LV2_TIME__beatsPerMinute);
  time_speed = u(LV2_TIME__speed);
  model = u(kModelKey);
}

Plugin::Plugin(double r, const LV2_URID_Map* m, const LV2_Worker_Schedule* s) : rate(r), map(m), schedule(s), uris(m) {
  lv2_atom_forge_init(&forge, const_cast<LV2_URID_Map*>(map));
}

void Plugin::load(const std::string& name) {
  // A pass of the old engine may still be running on the host's worker thread.
  while (work_pending.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto next = std::make_unique<LiveEngine>(load_live_model(name), WorkerOptions{.sample_rate = rate});
  if (engine) store(next->controls(), snapshot(engine->controls()));
  engine = std::move(next);
  model_name = name;
}

namespace {

double number(const Uris& u, const LV2_Atom* a, double fallback) {
  if (!a) return fallback;
  if (a->type == u.atom_float) return double(reinterpret_cast<const LV2_Atom_Float*>(a)->body);
  if (a->type == u.atom_double) return reinterpret_cast<const LV2_Atom_Double*>(a)->body;
  if (a->type == u.atom_int) return double(reinterpret_cast<const LV2_Atom_Int*>(a)->body);
  if (a->type == u.atom_long) return double(reinterpret_cast<const LV2_Atom_Long*>(a)->body);
  return fallback;
}

// Atomic stores only: the ports' values, clamped to what the worker accepts.
void read_controls(Plugin& p) {
  Controls& c = p.engine->controls();
  auto value = [&](Port port, float lo, float hi, float fallback) {
    const float* v = p.controls[port];
    return v ? std::clamp(*v, lo, hi) : fallback;
  };
  constexpr auto r = std::memory_order_relaxed;
  c.mode.store(int(std::lround(value(kMode, 0, 2, 0))), r);
  c.temperature.store(value(kTemperature, 0.05f, 3.f, 1.f), r);
  c.length_beats.store(value(kLength, 1, 64, 8), r);
  c.density.store(value(kDensity, 0.5f, 32, 8), r);
  c.key.store(int(std::lround(value(kKey, -1, 11, -1))), r);
  c.pause_ms.store(value(kPause, 50, 3000, 400), r);
  if (!p.host_tempo) c.tempo_bpm.store(value(kTempo, 20, 400, 120), r);
}

void read_position(Plugin& p, const LV2_Atom_Object* obj, int64_t at) {
  const LV2_Atom *bpm = nullptr, *beat = nullptr;
  lv2_atom_object_get(obj, p.uris.time_bpm, &bpm, p.uris.time_bar_beat, &beat, 0);
  const double tempo = number(p.uris, bpm, 0);
  if (tempo >= 20 && tempo <= 400) {
    p.host_tempo = true;
    p.engine->controls().tempo_bpm.store(float(tempo), std::memory_order_relaxed);
  }
  if (beat) {
    // The beat grid the host plays: a beat falls `barBeat` beats before `at`.
    const double frames_per_beat = p.rate * 60.0 / double(p.engine->controls().tempo_bpm.load());
    const double bar_beat = number(p.uris, beat, 0);
    p.engine->channels().beat_origin.store(at - int64_t(std::llround(bar_beat * frames_per_beat)),
                                           std::memory_order_release);
  }
}

}  // namespace

void Plugin::run(uint32_t frames) {
  RtScheduler& rt = engine->rt();
  rt.begin_period(frame, frames);
  read_controls(*this);
  bool played = false;
  if (in) {
    LV2_ATOM_SEQUENCE_FOREACH(in, ev) {
      const uint32_t offset = uint32_t(std::clamp<int64_t>(ev->time.frames, 0, frames));
      if (ev->body.type == uris.midi_event) {
        rt.input(reinterpret_cast<const uint8_t*>(ev + 1), ev->body.size, offset);
        played = true;
      } else if (ev->body.type == uris.atom_object || ev->body.type == uris.atom_blank) {
        const auto* obj = reinterpret_cast<const LV2_Atom_Object*>(&ev->body);
        if (obj->body.otype == uris.time_position) read_position(*this, obj, frame + offset);
      }
    }
  }
  if (out) {
    const uint32_t capacity = out->atom.size;
    lv2_atom_forge_set_buffer(&forge, reinterpret_cast<uint8_t*>(out), capacity);
    LV2_Atom_Forge_Frame seq;
    lv2_atom_forge_sequence_head(&forge, &seq, 0);
    rt.emit_due([&](uint32_t offset, const uint8_t* bytes, uint32_t size) {
      if (!lv2_atom_forge_frame_time(&forge, offset)) return;
      if (!lv2_atom_forge_atom(&forge, size, uris.midi_event)) return;
      lv2_atom_forge_write(&forge, bytes, size);
    });
    lv2_atom_forge_pop(&forge, &seq);
  }
  rt.end_period();
  // A pass for the worker when something was played, or every few milliseconds; never
  // two outstanding (the host queues them; one is enough to catch up).
  const bool due = last_work == INT64_MIN || frame - last_work >= int64_t(kWorkEverySeconds * rate);
  if ((played || due) && !work_pending.load() && schedule) {
    work_pending.store(true);
    const uint32_t token = 0;
    if (schedule->schedule_work(schedule->handle, sizeof token, &token) == LV2_WORKER_SUCCESS)
      last_work = frame;
    else
      work_pending.store(false);
  }
  frame += frames;
}

namespace {

LV2_Handle instantiate(const LV2_Descriptor*, double rate, const char*, const LV2_Feature* const* features) {
  const LV2_URID_Map* map = nullptr;
  const LV2_Worker_Schedule* schedule = nullptr;
  for (int i = 0; features && features[i]; ++i) {
    if (!std::strcmp(features[i]->URI, LV2_URID__map)) map = static_cast<const LV2_URID_Map*>(features[i]->data);
    if (!std::strcmp(features[i]->URI, LV2_WORKER__schedule))
      schedule = static_cast<const LV2_Worker_Schedule*>(features[i]->data);
  }
  if (!map || !schedule) {
    std::fprintf(stderr, "cadenza lv2: the host lacks urid:map or worker:schedule\n");
    return nullptr;
  }
  auto plugin = std::make_unique<Plugin>(rate, map, schedule);
  const char* name = std::getenv("CADENZA_LV2_MODEL");
  try {
    plugin->load(name && *name ? name : kDefaultModel);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cadenza lv2: %s\n", e.what());
    return nullptr;
  }
  return plugin.release();
}

void connect_port(LV2_Handle h, uint32_t port, void* data) {
  auto* p = static_cast<Plugin*>(h);
  if (port == kEventsIn)
    p->in = static_cast<const LV2_Atom_Sequence*>(data);
  else if (port == kEventsOut)
    p->out = static_cast<LV2_Atom_Sequence*>(data);
  else if (port < kPortCount)
    p->controls[port] = static_cast<const float*>(data);
}

void run(LV2_Handle h, uint32_t frames) { static_cast<Plugin*>(h)->run(frames); }

void cleanup(LV2_Handle h) { delete static_cast<Plugin*>(h); }

LV2_Worker_Status work(LV2_Handle h, LV2_Worker_Respond_Function, LV2_Worker_Respond_Handle, uint32_t, const void*) {
  auto* p = static_cast<Plugin*>(h);
  p->engine->worker().tick();
  p->work_pending.store(false);
  return LV2_WORKER_SUCCESS;
}

LV2_Worker_Status work_response(LV2_Handle, uint32_t, const void*) { return LV2_WORKER_SUCCESS; }

const void* extension_data(const char* uri) {
  static const LV2_Worker_Interface worker{work, work_response, nullptr};
  if (!std::strcmp(uri, LV2_WORKER__interface)) return &worker;
  if (!std::strcmp(uri, LV2_STATE__interface)) return state_interface();
  return nullptr;
}

const LV2_Descriptor descriptor{kUri, instantiate, connect_port, nullptr, run, nullptr, cleanup, extension_data};

}  // namespace
}  // namespace cadenza::live::lv2

extern "C" LV2_SYMBOL_EXPORT const LV2_Descriptor* lv2_descriptor(uint32_t index) {
  return index == 0 ? &cadenza::live::lv2::descriptor : nullptr;
}
