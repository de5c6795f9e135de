#include "lv2_host.h"

#include <lilv/lilv.h>
#include <lv2/atom/util.h>
#include <lv2/midi/midi.h>
#include <lv2/state/state.h>
#include <lv2/time/time.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>

#include "alloc_counter.h"

namespace cadenza::live::test {

LV2_URID Lv2Host::map_uri(LV2_URID_Map_Handle h, const char* uri) {
  auto* self = static_cast<Lv2Host*>(h);
  auto [it, added] = self->ids_.try_emplace(uri, LV2_URID(self->uris_.size() + 1));
  if (added) self->uris_.push_back(uri);
  return it->second;
}

const char* Lv2Host::unmap_uri(LV2_URID_Unmap_Handle h, LV2_URID id) {
  auto* self = static_cast<Lv2Host*>(h);
  return id >= 1 && id <= self->uris_.size() ? self->uris_[id - 1].c_str() : nullptr;
}

LV2_URID Lv2Host::map(const char* uri) { return map_uri(this, uri); }

LV2_Worker_Status Lv2Host::schedule(LV2_Worker_Schedule_Handle h, uint32_t size, const void* data) {
  auto* self = static_cast<Lv2Host*>(h);
  uint32_t token = 0;
  std::memcpy(&token, data, std::min<size_t>(size, sizeof token));
  return self->work_.push(token) ? LV2_WORKER_SUCCESS : LV2_WORKER_ERR_NO_SPACE;
}

Lv2Host::Lv2Host(const std::string& bundle_dir, const std::string& uri) {
  world_ = lilv_world_new();
  std::string dir = bundle_dir.back() == '/' ? bundle_dir : bundle_dir + "/";
  LilvNode* bundle = lilv_new_file_uri(world_, nullptr, dir.c_str());
  lilv_world_load_bundle(world_, bundle);
  lilv_node_free(bundle);
  LilvNode* id = lilv_new_uri(world_, uri.c_str());
  plugin_ = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world_), id);
  lilv_node_free(id);
  REQUIRE(plugin_ != nullptr);
  instance_ = lilv_plugin_instantiate(plugin_, kRate, features_.data());
  REQUIRE(instance_ != nullptr);
  worker_ =
      static_cast<const LV2_Worker_Interface*>(lilv_instance_get_extension_data(instance_, LV2_WORKER__interface));
  REQUIRE(worker_ != nullptr);
  // The ports: atom buffers for the two sequences, each control at its default.
  const uint32_t ports = lilv_plugin_get_num_ports(plugin_);
  controls_.assign(ports, 0.f);
  std::vector<float> mins(ports), maxs(ports), defaults(ports);
  lilv_plugin_get_port_ranges_float(plugin_, mins.data(), maxs.data(), defaults.data());
  LilvNode* atom_port = lilv_new_uri(world_, LV2_ATOM__AtomPort);
  LilvNode* input = lilv_new_uri(world_, LV2_CORE__InputPort);
  for (uint32_t i = 0; i < ports; ++i) {
    const LilvPort* port = lilv_plugin_get_port_by_index(plugin_, i);
    if (lilv_port_is_a(plugin_, port, atom_port))
      lilv_instance_connect_port(instance_, i, lilv_port_is_a(plugin_, port, input) ? in_buf_.data() : out_buf_.data());
    else {
      controls_[i] = defaults[i];
      lilv_instance_connect_port(instance_, i, &controls_[i]);
    }
  }
  lilv_node_free(atom_port);
  lilv_node_free(input);
  lv2_atom_forge_init(&forge_, &map_);
  lilv_instance_activate(instance_);
  worker_thread_ = std::thread([this] {
    LV2_Handle handle = lilv_instance_get_handle(instance_);
    auto respond = [](LV2_Worker_Respond_Handle, uint32_t, const void*) { return LV2_WORKER_SUCCESS; };
    while (!stop_.load()) {
      uint32_t token = 0;
      if (work_.pop(token))
        worker_->work(handle, respond, nullptr, sizeof token, &token);
      else
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
}

Lv2Host::~Lv2Host() {
  stop_.store(true);
  if (worker_thread_.joinable()) worker_thread_.join();
  if (instance_) {
    lilv_instance_deactivate(instance_);
    lilv_instance_free(instance_);
  }
  lilv_world_free(world_);
}

uint64_t Lv2Host::run_block(const std::vector<MidiEvent>& midi, double bpm, double bar_beat) {
  const LV2_URID midi_event = map(LV2_MIDI__MidiEvent);
  lv2_atom_forge_set_buffer(&forge_, in_buf_.data(), in_buf_.size());
  LV2_Atom_Forge_Frame seq;
  lv2_atom_forge_sequence_head(&forge_, &seq, 0);
  if (bpm > 0) {
    lv2_atom_forge_frame_time(&forge_, 0);
    LV2_Atom_Forge_Frame obj;
    lv2_atom_forge_object(&forge_, &obj, 0, map(LV2_TIME__Position));
    lv2_atom_forge_key(&forge_, map(LV2_TIME__beatsPerMinute));
    lv2_atom_forge_float(&forge_, float(bpm));
    lv2_atom_forge_key(&forge_, map(LV2_TIME__barBeat));
    lv2_atom_forge_float(&forge_, float(bar_beat));
    lv2_atom_forge_key(&forge_, map(LV2_TIME__speed));
    lv2_atom_forge_float(&forge_, 1.f);
    lv2_atom_forge_pop(&forge_, &obj);
  }
  for (const MidiEvent& e : midi) {
    REQUIRE(e.frame >= frame_);
    REQUIRE(e.frame < frame_ + kBlock);
    const uint8_t bytes[3] = {e.status, e.data1, e.data2};
    lv2_atom_forge_frame_time(&forge_, e.frame - frame_);
    lv2_atom_forge_atom(&forge_, 3, midi_event);
    lv2_atom_forge_write(&forge_, bytes, 3);
  }
  lv2_atom_forge_pop(&forge_, &seq);
  // The output port's capacity, as a host sets it before each run.
  auto* out = reinterpret_cast<LV2_Atom_Sequence*>(out_buf_.data());
  out->atom.type = 0;
  out->atom.size = uint32_t(out_buf_.size() - sizeof(LV2_Atom));
  uint64_t allocations = 0;
  {
    cadenza::test::CountAllocations count;
    lilv_instance_run(instance_, kBlock);
    allocations = count.count();
  }
  LV2_ATOM_SEQUENCE_FOREACH(out, ev) {
    if (ev->body.type != midi_event) continue;
    out_.push_back(from_bytes(frame_ + ev->time.frames, reinterpret_cast<const uint8_t*>(ev + 1), ev->body.size));
  }
  frame_ += kBlock;
  return allocations;
}

std::string Lv2Host::state_turtle() {
  LilvState* state = lilv_state_new_from_instance(
      plugin_, instance_, &map_, nullptr, nullptr, nullptr, nullptr,
      [](const char*, void*, uint32_t*, uint32_t*) -> const void* { return nullptr; }, nullptr, 0, features_.data());
  REQUIRE(state != nullptr);
  char* text = lilv_state_to_string(world_, &map_, &unmap_, state, "urn:cadenza:test-state", nullptr);
  std::string out = text ? text : "";
  lilv_free(text);
  lilv_state_free(state);
  return out;
}

void Lv2Host::restore_model(const std::string& model) {
  // The plugin's own saved state with another model named in it, as a session file would.
  std::string turtle = state_turtle();
  const std::string key = "<urn:cadenza:live#model> \"";
  const size_t at = turtle.find(key);
  REQUIRE(at != std::string::npos);
  const size_t begin = at + key.size(), end = turtle.find('"', begin);
  turtle.replace(begin, end - begin, model);
  LilvState* state = lilv_state_new_from_string(world_, &map_, turtle.c_str());
  REQUIRE(state != nullptr);
  lilv_state_restore(state, instance_, nullptr, nullptr, 0, features_.data());
  lilv_state_free(state);
}

}  // namespace cadenza::live::test
