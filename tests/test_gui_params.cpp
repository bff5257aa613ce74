// GUI: the parameters panel bound both ways to a Request, the prompt highlighter, presets and the
// last session, driven through the real widgets (offscreen).
#include <cstdlib>

#include <gtest/gtest.h>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QDoubleSpinBox>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>

#include "core/presets/preset.h"
#include "tests/support/gui_app.h"
#include "ui/window/main_window.h"
#include "ui/generation/lora_list.h"
#include "ui/generation/parameters_panel.h"
#include "ui/generation/preset_bar.h"
#include "ui/generation/prompt_highlighter.h"
#include "ui/generation/sampler_schedule.h"
#include "ui/common/slider_spin_box.h"

using poseforge::pipeline::Request;
using poseforge::test::GuiEnv;
using namespace poseforge::ui;

namespace {

template <typename T>
T* child(QWidget& parent, const char* name) {
  auto* w = parent.findChild<T*>(name);
  EXPECT_NE(w, nullptr) << name;
  return w;
}

}  // namespace

TEST(SliderSpinBox, SliderAndSpinBoxFollowEachOther) {
  GuiEnv env;
  SliderSpinBox s(0, 1.5, 0.05, 2);
  QSignalSpy changed(&s, &SliderSpinBox::value_changed);
  s.slider()->setValue(18);  // 18 steps of 0.05
  EXPECT_DOUBLE_EQ(s.spin_box()->value(), 0.9);
  EXPECT_DOUBLE_EQ(s.value(), 0.9);
  EXPECT_EQ(changed.count(), 1);
  s.spin_box()->setValue(1.25);
  EXPECT_EQ(s.slider()->value(), 25);
  EXPECT_EQ(changed.count(), 2);
  s.set_value(7.0);  // clamped
  EXPECT_DOUBLE_EQ(s.value(), 1.5);
  EXPECT_EQ(s.slider()->value(), s.slider()->maximum());
}

TEST(ParametersPanel, WidgetEditsReachTheRequest) {
  GuiEnv env;
  ParametersPanel panel;
  panel.show();
  QSignalSpy changed(&panel, &ParametersPanel::changed);
  child<SliderSpinBox>(panel, "ip_adapter_scale")->slider()->setValue(24);  // 24 x 0.05
  child<SliderSpinBox>(panel, "controlnet_scale")->spin_box()->setValue(1.35);
  child<SliderSpinBox>(panel, "steps")->slider()->setValue(41);  // 1 + 41
  child<SliderSpinBox>(panel, "guidance_scale")->spin_box()->setValue(7.5);
  child<QPlainTextEdit>(panel, "prompt")->setPlainText("a (dancer:1.3) on a [quiet] stage");
  child<QPlainTextEdit>(panel, "negative_prompt")->setPlainText("blurry");
  auto* scheduler = child<QComboBox>(panel, "scheduler");
  scheduler->setCurrentIndex(scheduler->findText("Euler a"));
  child<QComboBox>(panel, "seed_mode")->setCurrentIndex(1);
  child<QDoubleSpinBox>(panel, "seed")->setValue(3141592653.0);
  auto* size = child<QComboBox>(panel, "size_preset");
  const int portrait = size->findData(QSize(832, 1216));
  ASSERT_GE(portrait, 0);
  size->setCurrentIndex(portrait);
  emit size->activated(portrait);
  child<QSpinBox>(panel, "samples")->setValue(3);

  const Request r = panel.request();
  EXPECT_DOUBLE_EQ(r.ip_adapter_scale, 1.2);
  EXPECT_DOUBLE_EQ(r.controlnet_scale, 1.35);
  EXPECT_EQ(r.steps, 42);
  EXPECT_DOUBLE_EQ(r.guidance_scale, 7.5);
  EXPECT_EQ(r.prompt, "a (dancer:1.3) on a [quiet] stage");
  EXPECT_EQ(r.negative_prompt, "blurry");
  EXPECT_EQ(r.scheduler, "Euler a");
  EXPECT_EQ(r.seed, 3141592653LL);
  EXPECT_EQ(r.width, 832);
  EXPECT_EQ(r.height, 1216);
  EXPECT_EQ(r.samples, 3);
  EXPECT_GE(changed.count(), 11);

  child<QComboBox>(panel, "seed_mode")->setCurrentIndex(0);
  EXPECT_EQ(panel.request().seed, -1);
  EXPECT_FALSE(child<QDoubleSpinBox>(panel, "seed")->isEnabled());
}

TEST(ParametersPanel, RequestReachesTheWidgetsAndRoundTrips) {
  GuiEnv env;
  ParametersPanel panel;
  Request in;
  in.pose_image = "/photos/pose.jpg";  // inputs are kept, not shown
  in.image_prompts = {{"/photos/style.png", 0.5}};
  in.prompt = "portrait";
  in.negative_prompt = "text";
  in.scheduler = "UniPC";
  in.steps = 17;
  in.guidance_scale = 4.5;
  in.ip_adapter_scale = 0.35;
  in.controlnet_scale = 1.1;
  in.control_start = 0.2;
  in.control_end = 0.7;
  in.seed = 1234;
  in.width = 1000;  // not a preset: Custom
  in.height = 640;
  in.samples = 2;
  QSignalSpy changed(&panel, &ParametersPanel::changed);
  panel.set_request(in);
  EXPECT_EQ(changed.count(), 0) << "set_request is not a user edit";
  EXPECT_DOUBLE_EQ(child<SliderSpinBox>(panel, "ip_adapter_scale")->value(), 0.35);
  EXPECT_EQ(child<SliderSpinBox>(panel, "ip_adapter_scale")->slider()->value(), 7);
  EXPECT_EQ(child<SliderSpinBox>(panel, "steps")->spin_box()->value(), 17);
  EXPECT_EQ(child<QComboBox>(panel, "scheduler")->currentText(), "UniPC");
  EXPECT_EQ(child<QComboBox>(panel, "seed_mode")->currentIndex(), 1);
  EXPECT_EQ(child<QComboBox>(panel, "size_preset")->currentText(), "Custom");
  EXPECT_EQ(child<QPlainTextEdit>(panel, "prompt")->toPlainText(), "portrait");
  EXPECT_EQ(panel.request().to_json(), in.to_json());

  panel.set_inputs("/photos/other.jpg", "", {{"/photos/a.png", 1.0}, {"/photos/b.png", 2.0}});
  EXPECT_EQ(changed.count(), 1);
  EXPECT_EQ(panel.request().pose_image, "/photos/other.jpg");
  EXPECT_EQ(panel.request().image_prompts.size(), 2u);
  EXPECT_EQ(panel.request().prompt, "portrait") << "settings untouched";

  in.width = 1344;
  in.height = 768;
  panel.set_request(in);
  EXPECT_EQ(child<QComboBox>(panel, "size_preset")->currentData().toSize(), QSize(1344, 768));
}

TEST(ParametersPanel, SizesAreMultiplesOfEightAndSdxlPresetsAreOffered) {
  GuiEnv env;
  ParametersPanel panel;
  auto* width = child<QSpinBox>(panel, "width");
  width->setValue(1021);
  emit width->editingFinished();
  EXPECT_EQ(width->value(), 1024);
  width->setValue(1003);
  EXPECT_EQ(panel.request().width % 8, 0);
  EXPECT_EQ(child<QComboBox>(panel, "size_preset")->currentText(), "Custom");
  auto* size = child<QComboBox>(panel, "size_preset");
  for (const QSize& s : sdxl_size_presets()) EXPECT_GE(size->findData(s), 0) << s.width() << "x" << s.height();
  EXPECT_EQ(size->count(), sdxl_size_presets().size() + 1);
  auto* scheduler = child<QComboBox>(panel, "scheduler");
  EXPECT_EQ(scheduler->count(), static_cast<int>(sampler_names().size()));
}

TEST(ParametersPanel, ControlStartStaysBeforeEndAndAdvancedIsCollapsed) {
  GuiEnv env;
  ParametersPanel panel;
  panel.show();
  EXPECT_FALSE(child<QWidget>(panel, "advanced")->isVisible());
  child<QToolButton>(panel, "advanced_toggle")->click();
  EXPECT_TRUE(child<QWidget>(panel, "advanced")->isVisible());
  auto* start = child<SliderSpinBox>(panel, "control_start");
  auto* end = child<SliderSpinBox>(panel, "control_end");
  end->set_value(0.5);
  start->slider()->setValue(80);  // 0.8 > end
  EXPECT_LT(panel.request().control_start, panel.request().control_end);
  EXPECT_DOUBLE_EQ(panel.request().control_start, 0.8);
  end->spin_box()->setValue(0.1);  // below start: start moves down
  EXPECT_LT(panel.request().control_start, panel.request().control_end);
  EXPECT_DOUBLE_EQ(panel.request().control_end, 0.1);
  start->set_value(1.0);
  EXPECT_LT(panel.request().control_start, panel.request().control_end);
  EXPECT_TRUE(panel.request().problems().size() == 1) << "only the missing pose is a problem";
}

TEST(PromptHighlighter, FindsWeightsGroupsEscapesAndUnbalancedBrackets) {
  auto kinds_at = [](const QString& text, int position) {
    QList<PromptSpan::Kind> kinds;
    for (const auto& s : prompt_spans(text)) {
      if (position >= s.start && position < s.start + s.length) kinds << s.kind;
    }
    return kinds;
  };
  const QString text = R"x(a (red hat:1.3) [soft] \(x\) ((big)) bad) (open))x";
  EXPECT_EQ(kinds_at(text, 2), QList{PromptSpan::Bracket});      // '('
  EXPECT_EQ(kinds_at(text, 4), QList{PromptSpan::Emphasis});     // 'e' of red
  EXPECT_EQ(kinds_at(text, 11), QList{PromptSpan::Weight});      // '1' of 1.3
  EXPECT_EQ(kinds_at(text, 18), QList{PromptSpan::Deemphasis});  // 'o' of soft
  EXPECT_EQ(kinds_at(text, 23), QList{PromptSpan::Escape});      // '\('
  const int big = text.indexOf("big");
  EXPECT_EQ(kinds_at(text, big), (QList{PromptSpan::Emphasis, PromptSpan::Emphasis}));  // outer, then inner
  EXPECT_EQ(kinds_at(text, text.indexOf("bad)") + 3), QList{PromptSpan::Unbalanced});
  EXPECT_EQ(kinds_at(text, text.lastIndexOf('(')), QList{PromptSpan::Bracket});
  EXPECT_TRUE(prompt_spans("plain words").isEmpty());
  EXPECT_EQ(kinds_at("(x:.5)", 3), QList{PromptSpan::Weight});
}

TEST(Presets, ApplySaveAndReloadThroughTheToolbar) {
  GuiEnv env;
  const auto builtins = poseforge::presets::builtin_presets();
  ASSERT_GE(builtins.size(), 2u);
  const auto& builtin = builtins[1];
  {
    MainWindow window;
    window.show();
    auto* combo = window.preset_bar()->combo();
    EXPECT_GE(combo->findData(QString::fromStdString(builtin.name)), 0);
    // Apply a built-in by choosing it in the combo, as a user does.
    const int index = combo->findData(QString::fromStdString(builtin.name));
    combo->setCurrentIndex(index);
    emit combo->activated(index);
    const Request applied = window.parameters()->request();
    EXPECT_EQ(applied.steps, builtin.settings.steps);
    EXPECT_EQ(applied.scheduler, builtin.settings.scheduler);
    EXPECT_DOUBLE_EQ(applied.ip_adapter_scale, builtin.settings.ip_adapter_scale);
    EXPECT_DOUBLE_EQ(applied.controlnet_scale, builtin.settings.controlnet_scale);

    // Save own settings as a preset; it appears in the combo.
    child<SliderSpinBox>(window, "steps")->spin_box()->setValue(23);
    child<SliderSpinBox>(window, "controlnet_scale")->spin_box()->setValue(1.45);
    ASSERT_TRUE(window.preset_bar()->save_current_as("My pose"));
    EXPECT_GE(combo->findData("My pose"), 0);
    EXPECT_FALSE(window.preset_bar()->save_current_as(builtin.name)) << "built-in names are taken";
    ASSERT_TRUE(window.preset_bar()->select(builtin.name));
    EXPECT_EQ(window.parameters()->request().steps, builtin.settings.steps);
  }
  MainWindow again;  // a new window reads the presets folder again
  ASSERT_TRUE(again.preset_bar()->select("My pose"));
  EXPECT_EQ(again.parameters()->request().steps, 23);
  EXPECT_DOUBLE_EQ(again.parameters()->request().controlnet_scale, 1.45);
  ASSERT_TRUE(again.preset_bar()->rename_selected("Dance"));
  EXPECT_LT(again.preset_bar()->combo()->findData("My pose"), 0);
  const QString exported = env.path("dance.json");
  ASSERT_TRUE(again.preset_bar()->export_selected(exported));
  ASSERT_TRUE(again.preset_bar()->remove_selected());
  EXPECT_LT(again.preset_bar()->combo()->findData("Dance"), 0);
  ASSERT_TRUE(again.preset_bar()->import_file(exported));
  EXPECT_EQ(again.parameters()->request().steps, 23);
  EXPECT_FALSE(again.preset_bar()->import_file(env.path("missing.json")));
}

TEST(Presets, LastSessionIsRestoredAtStart) {
  GuiEnv env;
  {
    MainWindow window;
    window.show();
    child<QPlainTextEdit>(window, "prompt")->setPlainText("a climber on a (granite wall:1.2)");
    child<SliderSpinBox>(window, "guidance_scale")->spin_box()->setValue(9.5);
    window.close();
  }
  MainWindow again;
  EXPECT_EQ(again.parameters()->request().prompt, "a climber on a (granite wall:1.2)");
  EXPECT_DOUBLE_EQ(again.parameters()->request().guidance_scale, 9.5);
}

TEST(ParametersPanel, CheckpointComboAndLoraListBindTheRequest) {
  GuiEnv env;
  QTemporaryDir models;
  QDir(models.path()).mkpath("checkpoints/sub");
  QDir(models.path()).mkpath("loras");
  for (const char* f : {"checkpoints/base.safetensors", "checkpoints/sub/fine.ckpt", "loras/detail.safetensors"}) {
    QFile file(QDir(models.path()).filePath(f));
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  }
  ParametersPanel panel;
  panel.set_models_folder(models.path());
  panel.show();
  auto* checkpoint = child<QComboBox>(panel, "checkpoint");
  ASSERT_EQ(checkpoint->count(), 3);  // Default + the two files
  EXPECT_EQ(checkpoint->itemText(0), "Default");
  EXPECT_EQ(checkpoint->itemData(2).toString(), "sub/fine.ckpt");
  QSignalSpy changed(&panel, &ParametersPanel::changed);
  checkpoint->setCurrentIndex(1);
  EXPECT_EQ(panel.request().checkpoint, "base.safetensors");
  auto* loras = child<LoraList>(panel, "lora_list");
  loras->add_file(QDir(models.path()).filePath("loras/detail.safetensors"), 0.75);  // as a name in loras/
  loras->add_file("/elsewhere/style.safetensors");
  ASSERT_EQ(panel.request().loras.size(), 2u);
  EXPECT_EQ(panel.request().loras[0], (poseforge::pipeline::LoraRequest{"detail.safetensors", 0.75}));
  EXPECT_EQ(panel.request().loras[1].path, "/elsewhere/style.safetensors");
  child<QDoubleSpinBox>(panel, "lora_weight_1")->setValue(-0.5);
  EXPECT_DOUBLE_EQ(panel.request().loras[1].weight, -0.5);
  EXPECT_GE(changed.count(), 4);
  child<QToolButton>(panel, "remove_lora_0")->click();
  QCoreApplication::processEvents();
  ASSERT_EQ(panel.request().loras.size(), 1u);
  EXPECT_EQ(panel.request().loras[0].path, "/elsewhere/style.safetensors");
  // a restored request (PNG, preset) shows its checkpoint and LoRAs, also a checkpoint not in the folder
  Request r;
  r.checkpoint = "gone.safetensors";
  r.loras = {{"a", 1.0}, {"b", 0.3}};
  panel.set_request(r);
  EXPECT_EQ(checkpoint->currentText(), "gone");
  EXPECT_EQ(panel.request().checkpoint, "gone.safetensors");
  EXPECT_EQ(panel.request().loras, r.loras);
  EXPECT_DOUBLE_EQ(child<QDoubleSpinBox>(panel, "lora_weight_1")->value(), 0.3);
}

// The schedule combo beside the sampler: every schedule offered, restored by set_request (aliases too),
// in request(); on "Model default" the sampler is disabled (the folder's class runs); an edit is a change.
TEST(ParametersPanel, ScheduleComboBesideTheSampler) {
  GuiEnv env;
  ParametersPanel panel;
  panel.show();
  auto* schedule = child<QComboBox>(panel, "schedule");
  auto* scheduler = child<QComboBox>(panel, "scheduler");
  EXPECT_EQ(schedule->count(), static_cast<int>(schedule_names().size()));
  EXPECT_EQ(schedule->parentWidget(), scheduler->parentWidget());
  EXPECT_LT(std::abs(schedule->geometry().center().y() - scheduler->geometry().center().y()), scheduler->height());
  EXPECT_GT(schedule->geometry().left(), scheduler->geometry().left());
  Request in;
  in.scheduler = "Euler";
  in.schedule = "sgm_uniform";
  panel.set_request(in);
  EXPECT_EQ(schedule->currentText(), "SGM Uniform");
  EXPECT_EQ(panel.request().schedule, "SGM Uniform");
  EXPECT_TRUE(scheduler->isEnabled());
  QSignalSpy changed(&panel, &ParametersPanel::changed);
  schedule->setCurrentIndex(schedule->findText("Model default"));
  EXPECT_EQ(changed.count(), 1);
  EXPECT_FALSE(scheduler->isEnabled());
  EXPECT_EQ(panel.request().schedule, "Model default");
  schedule->setCurrentIndex(schedule->findText("Karras"));
  EXPECT_TRUE(scheduler->isEnabled());
  EXPECT_EQ(Request::from_json(panel.request().to_json()).schedule, "Karras");
}
