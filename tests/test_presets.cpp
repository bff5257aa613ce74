// Presets: built-ins, save/rename/delete/import/export with atomic files, last session.
#include <fstream>

#include <gtest/gtest.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/error.h"
#include "core/io/scheduler_config.h"
#include "core/pipeline/sampler_name.h"
#include "core/presets/preset_store.h"
#include "tests/support/fixtures.h"

using namespace poseforge;
using presets::Preset;
using presets::PresetStore;

namespace {

Preset custom(const std::string& name, int steps) {
  pipeline::Request r;
  r.steps = steps;
  r.prompt = "a dancer";
  r.ip_adapter_scale = 0.33;
  r.pose_image = "/somewhere/pose.png";  // inputs are not part of a preset
  return Preset::from_request(name, r);
}

}  // namespace

TEST(Presets, BuiltinsAreValidAndReadOnly) {
  const auto builtins = presets::builtin_presets();
  ASSERT_GE(builtins.size(), 3u);
  for (const auto& p : builtins) {
    EXPECT_TRUE(p.builtin);
    EXPECT_FALSE(p.name.empty());
    pipeline::Request r = p.settings;
    r.pose_image = "pose.png";
    EXPECT_TRUE(r.problems().empty()) << p.name << ": " << r.problems().front();
  }
  test::TempDir dir;
  PresetStore store(dir.path());
  EXPECT_THROW(store.save(Preset::from_request(builtins[0].name, {})), Error);
  EXPECT_THROW(store.remove(builtins[0].name), Error);
}

TEST(Presets, SaveListFindRenameRemove) {
  test::TempDir dir;
  PresetStore store(dir / "presets");
  const std::size_t builtin_count = store.list().size();
  store.save(custom("Zeta: night", 12));
  store.save(custom("alpha", 40));
  auto all = store.list();
  ASSERT_EQ(all.size(), builtin_count + 2);
  EXPECT_EQ(all[builtin_count].name, "Zeta: night");  // user presets sorted by name (byte order)
  auto found = store.find("alpha");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->settings.steps, 40);
  EXPECT_TRUE(found->settings.pose_image.empty());
  EXPECT_DOUBLE_EQ(found->settings.ip_adapter_scale, 0.33);

  store.save(custom("alpha", 41));  // replace
  EXPECT_EQ(store.find("alpha")->settings.steps, 41);
  EXPECT_EQ(store.list().size(), builtin_count + 2);

  store.rename("alpha", "beta");
  EXPECT_FALSE(store.find("alpha"));
  EXPECT_EQ(store.find("beta")->settings.steps, 41);
  EXPECT_THROW(store.rename("beta", "Zeta: night"), Error);  // taken
  EXPECT_THROW(store.rename("nope", "x"), Error);
  store.remove("beta");
  EXPECT_FALSE(store.find("beta"));
  EXPECT_THROW(store.remove("beta"), Error);
}

TEST(Presets, ApplyKeepsInputs) {
  pipeline::Request r;
  r.pose_image = "me.png";
  r.image_prompts.push_back({"style.png", 1.0});
  custom("x", 7).apply_to(r);
  EXPECT_EQ(r.steps, 7);
  EXPECT_EQ(r.pose_image, "me.png");
  ASSERT_EQ(r.image_prompts.size(), 1u);
}

TEST(Presets, ImportExportAndNameClash) {
  test::TempDir dir;
  PresetStore store(dir / "presets");
  store.save(custom("mine", 22));
  store.export_file("mine", dir / "shared.json");
  const Preset imported = store.import_file(dir / "shared.json");
  EXPECT_EQ(imported.name, "mine (2)");
  EXPECT_EQ(store.find("mine (2)")->settings.steps, 22);
  test::write_bytes(dir / "bad.json", R"({"name": "x", "settings": {"num_inference_steps": "lots"}})");
  try {
    store.import_file(dir / "bad.json");
    ADD_FAILURE() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("num_inference_steps"), std::string::npos) << e.what();
  }
}

TEST(Presets, CorruptFilesAreSkippedNotFatal) {
  test::TempDir dir;
  PresetStore store(dir.path());
  store.save(custom("good", 10));
  test::write_bytes(dir / "broken.preset.json", "{ not json");
  const auto all = store.list();
  EXPECT_TRUE(store.find("good"));
  ASSERT_EQ(store.last_problems().size(), 1u);
  EXPECT_NE(store.last_problems()[0].find("broken.preset.json"), std::string::npos);
}

TEST(Presets, LastSessionRoundTrip) {
  test::TempDir dir;
  PresetStore store(dir.path());
  EXPECT_FALSE(store.load_last_session());
  pipeline::Request r;
  r.pose_image = "/p/pose.png";
  r.prompt = "ballet";
  r.seed = 1234;
  store.save_last_session(r);
  const auto back = store.load_last_session();
  ASSERT_TRUE(back);
  EXPECT_EQ(back->to_json(), r.to_json());
  test::write_bytes(dir / "last-session.request.json", "garbage");
  EXPECT_FALSE(store.load_last_session());  // a broken file is ignored with a warning
}

TEST(Presets, FileNamesAreSafeAndDistinct) {
  EXPECT_NE(presets::preset_file_name("a/b"), presets::preset_file_name("a b"));
  EXPECT_EQ(presets::preset_file_name("../../etc/passwd").find('/'), std::string::npos);
  EXPECT_EQ(presets::preset_file_name("Strict pose").rfind("strict-pose-", 0), 0u);
}

TEST(Presets, CarryTheCheckpointAndLorasWithWeights) {
  pipeline::Request r;
  r.checkpoint = "sdxl_lightning";
  r.loras = {{"detail", 0.8}, {"style.safetensors", 0.25}};
  const auto preset = presets::Preset::from_request("fast", r);
  const auto back = presets::Preset::from_json(preset.to_json(), "fast.json");
  EXPECT_EQ(back.settings.checkpoint, "sdxl_lightning");
  EXPECT_EQ(back.settings.loras, r.loras);
  pipeline::Request target;
  back.apply_to(target);
  EXPECT_EQ(target.loras, r.loras);
}

// Every built-in preset's sampler runs on its schedule on SDXL's scheduler config; the few-step ones
// (Lightning / Turbo: trailing timesteps, LCM / DMD2) are among them.
TEST(Presets, BuiltinSamplersRunOnTheirSchedules) {
  const auto config = io::SchedulerConfig::load(test::fixture("pipeline/scheduler_config.json"));
  bool trailing = false, lcm = false;
  for (const auto& p : presets::builtin_presets()) {
    const auto& s = p.settings;
    ASSERT_TRUE(pipeline::sampler_problems(s.scheduler, s.schedule).empty()) << p.name;
    auto sampler = samplers::make_sampler(pipeline::canonical_sampler_name(s.scheduler),
                                          samplers::parse_schedule(s.schedule), config);
    EXPECT_NO_THROW(sampler->set_timesteps(s.steps)) << p.name;
    trailing = trailing || samplers::parse_schedule(s.schedule) == samplers::ScheduleType::SgmUniform;
    lcm = lcm || sampler->name() == "LCM";
  }
  EXPECT_TRUE(trailing);
  EXPECT_TRUE(lcm);
}
