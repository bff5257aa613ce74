// GUI: other tools' files. A1111/Forge and ComfyUI PNGs dropped onto the window restore what maps (and say
// what not); pose JSON with hands and faces in the pose panel: parts toggles, editing hand and face points,
// the control image, flip, scale, fit to the output size.
#include "core/pipeline/demo_models.h"  // libtorch headers before Qt's (Qt's `slots` macro)

#include <gtest/gtest.h>
#include <QMenu>
#include <QStatusBar>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>

#include "core/pose/draw.h"
#include "core/pose/pose_json.h"
#include "tests/support/fixtures.h"
#include "tests/support/gui_app.h"
#include "tests/support/png_chunks.h"
#include "tests/support/whole_body_pose.h"
#include "ui/generation/parameters_panel.h"
#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/pose_editor/pose_canvas.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/window/main_window.h"

using namespace poseforge;
using namespace poseforge::ui;
using poseforge::test::GuiEnv;
using poseforge::test::qpath;

namespace {

std::size_t count_rgb(const io::Image& image, int r, int g, int b) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < image.pixels.size(); i += 3)
    n += image.pixels[i] == r && image.pixels[i + 1] == g && image.pixels[i + 2] == b;
  return n;
}

std::filesystem::path write_whole_body_json(const std::filesystem::path& dir) {
  const auto file = dir / "whole_body.json";
  pose::save_pose_json(file, test::to_pose(test::whole_body_pixels()));
  return file;
}

QAction* find_action(QWidget* root, const QString& name) {
  for (QMenu* menu : root->findChildren<QMenu*>())
    for (QAction* a : menu->actions())
      if (a->objectName() == name || a->text() == name) return a;
  return nullptr;
}

}  // namespace

TEST(GuiImports, DroppingA1111AndComfyPngsRestoresWhatMaps) {
  GuiEnv env;
  test::TempDir dir;
  MainWindow window;
  window.show();
  const std::string a1111 =
      "a dancer in red <lora:silk:0.7>\nNegative prompt: blurry\nSteps: 31, Sampler: DPM++ 2M, Schedule type: "
      "Karras, CFG scale: 5.5, Seed: 9876, Size: 832x1216, Model: juggernautXL, ControlNet 0: \"Module: "
      "openpose_full, Model: thibaud_xl_openpose, Weight: 0.9, Guidance Start: 0.0, Guidance End: 0.8\"";
  test::write_png_with_text(dir / "a1111.png", 40, 60, {{"parameters", a1111}});
  ASSERT_TRUE(test::drop_files(&window, {qpath(dir / "a1111.png")}));
  pipeline::Request r = window.parameters()->request();
  EXPECT_EQ(r.prompt, "a dancer in red");
  EXPECT_EQ(r.negative_prompt, "blurry");
  EXPECT_EQ(r.steps, 31);
  EXPECT_EQ(r.scheduler, "DPM++ 2M Karras");
  EXPECT_EQ(r.guidance_scale, 5.5);
  EXPECT_EQ(r.seed, 9876);
  EXPECT_EQ(r.width, 832);
  EXPECT_EQ(r.height, 1216);
  EXPECT_EQ(r.controlnet_scale, 0.9);
  EXPECT_EQ(r.control_end, 0.8);
  QString message = window.statusBar()->currentMessage();
  for (const char* part :
       {"Restored from A1111/Forge", "seed 9876", "not restored", "Model: juggernautXL", "LoRA silk"})
    EXPECT_TRUE(message.contains(part)) << part << " not in " << message.toStdString();

  const std::string prompt = R"({"3": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 12, "cfg": 3.0,
      "sampler_name": "euler_ancestral", "scheduler": "normal", "denoise": 1.0, "positive": ["6", 0],
      "negative": ["7", 0], "latent_image": ["5", 0], "model": ["4", 0]}},
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 768, "height": 1024, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a heron", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text", "clip": ["4", 1]}}})";
  test::write_png_with_text(dir / "comfy.png", 40, 60, {{"prompt", prompt}, {"workflow", "{\"nodes\": []}"}});
  ASSERT_TRUE(test::drop_files(&window, {qpath(dir / "comfy.png")}));
  r = window.parameters()->request();
  EXPECT_EQ(r.prompt, "a heron");
  EXPECT_EQ(r.negative_prompt, "text");
  EXPECT_EQ(r.steps, 12);
  EXPECT_EQ(r.scheduler, "Euler a");
  EXPECT_EQ(r.seed, 5);
  EXPECT_EQ(r.width, 768);
  EXPECT_EQ(r.controlnet_scale, 0.9);  // not in the ComfyUI graph: the A1111 PNG's value stays
  message = window.statusBar()->currentMessage();
  EXPECT_TRUE(message.contains("Restored from ComfyUI")) << message.toStdString();
  EXPECT_TRUE(message.contains("Model: sdxl.safetensors")) << message.toStdString();

  test::write_png_with_text(dir / "plain.png", 8, 8, {{"Software", "GIMP"}});
  EXPECT_TRUE(test::drop_files(&window, {qpath(dir / "plain.png")}));
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("no generation settings"));
  EXPECT_EQ(window.parameters()->request().seed, 5);
}

TEST(GuiImports, HandsAndFacesAreShownToggledEditedAndDrawn) {
  GuiEnv env;
  test::TempDir dir;
  PosePanel panel;
  panel.resize(420, 520);
  panel.show();
  ASSERT_TRUE(panel.import_pose_json(qpath(write_whole_body_json(dir.path()))));
  EXPECT_TRUE(panel.message().contains("3 hands, 2 faces")) << panel.message().toStdString();
  const pose::Pose& pose = panel.pose();
  const int w = pose.canvas_width(), h = pose.canvas_height();
  // The control image: hands' blue dots and the faces' white dots, as core draws them.
  io::Image control = panel.control_image(w, h);
  EXPECT_EQ(control.pixels, pose::render_control_image(pose, w, h).pixels);
  EXPECT_GT(count_rgb(control, 0, 0, 255), 50u);
  EXPECT_GT(count_rgb(control, 255, 255, 255), 50u);

  // Hands off: no hand in the control image, hand points cannot be grabbed.
  auto* hands = panel.findChild<QToolButton*>("ShowHands");
  auto* face = panel.findChild<QToolButton*>("ShowFace");
  ASSERT_TRUE(hands && face && panel.findChild<QToolButton*>("ShowBody"));
  EXPECT_TRUE(hands->toolTip().contains("bodies only"));
  PoseCanvas* canvas = panel.canvas();
  const JointRef fingertip{0, 8, pose::Part::LeftHand};
  const QPointF tip = canvas->joint_position(fingertip);
  hands->click();
  const std::size_t blue_with_hands = count_rgb(control, 0, 0, 255);
  control = panel.control_image(w, h);
  pose::DrawParts no_hands;
  no_hands.hands = false;
  EXPECT_EQ(control.pixels, pose::render_control_image(pose, w, h, no_hands).pixels);
  // Blue is also the left knee's colour: fewer blue pixels, not none.
  EXPECT_LT(count_rgb(control, 0, 0, 255) + 50, blue_with_hands);
  EXPECT_GT(count_rgb(control, 255, 255, 255), 50u);
  QTest::mouseClick(canvas, Qt::LeftButton, {}, tip.toPoint());
  EXPECT_FALSE(canvas->selected() && canvas->selected()->part == pose::Part::LeftHand);
  face->click();
  EXPECT_EQ(count_rgb(panel.control_image(w, h), 255, 255, 255), 0u);
  face->click();
  hands->click();

  // Drag a fingertip: it moves, one undo step.
  const QPointF to = tip + QPointF(12, 9);
  QTest::mousePress(canvas, Qt::LeftButton, {}, tip.toPoint());
  ASSERT_TRUE(canvas->selected());
  EXPECT_EQ(*canvas->selected(), fingertip);
  QTest::mouseMove(canvas, to.toPoint());
  QTest::mouseRelease(canvas, Qt::LeftButton, {}, to.toPoint());
  const QPointF moved = canvas->joint_position(fingertip);
  EXPECT_NEAR(moved.x(), to.x(), 1.0);
  EXPECT_NEAR(moved.y(), to.y(), 1.0);
  panel.document()->undo_stack()->undo();
  EXPECT_NEAR(canvas->joint_position(fingertip).x(), tip.x(), 1e-6);
  // Delete a face point.
  const JointRef chin{1, 8, pose::Part::Face};
  canvas->select(chin);
  canvas->delete_selected();
  EXPECT_FALSE(panel.pose().person(1).face[8].has_value());

  // Flip: left and right trade places; twice is the original.
  const pose::Pose before = panel.pose();
  QAction* flip = find_action(&panel, "Flip horizontally");
  ASSERT_TRUE(flip);
  flip->trigger();
  EXPECT_NEAR(panel.pose().person(0).body[5]->x, 1 - before.person(0).body[2]->x, 1e-12);
  EXPECT_EQ(panel.pose().person(0).right_hand.size(), before.person(0).left_hand.size());
  flip->trigger();
  EXPECT_NEAR(panel.pose().person(0).body[2]->x, before.person(0).body[2]->x, 1e-12);
  EXPECT_NEAR(panel.pose().person(0).left_hand[3]->x, before.person(0).left_hand[3]->x, 1e-12);

  // Fit to an output of another shape: the canvas becomes the output's, the pose padded into it.
  panel.set_output_size({w, 2 * h});
  EXPECT_TRUE(panel.message().contains("Fit to output size")) << panel.message().toStdString();
  QAction* pad = find_action(&panel, "FitPad");
  ASSERT_TRUE(pad);
  pad->trigger();
  EXPECT_EQ(panel.pose().canvas_width(), w);
  EXPECT_EQ(panel.pose().canvas_height(), 2 * h);
  EXPECT_NEAR(panel.pose().person(0).body[0]->y, (before.person(0).body[0]->y * h + h / 2.0) / (2 * h), 1e-12);
  EXPECT_NEAR(canvas->view_geometry().target().height() / canvas->view_geometry().target().width(), 2.0 * h / w, 1e-9);
}

TEST(GuiImports, RequestRestoresThePoseAndImagePromptDocks) {
  GuiEnv env;
  test::TempDir dir;
  QImage picture(24, 16, QImage::Format_RGB32);
  picture.fill(Qt::darkYellow);
  ASSERT_TRUE(picture.save(qpath(dir / "style.png")));
  pipeline::Request r;
  r.pose_json = write_whole_body_json(dir.path()).string();
  r.image_prompts = {{(dir / "style.png").string(), 0.6}};
  r.pose_face = false;
  MainWindow window;
  EXPECT_TRUE(window.restore_inputs(r));
  EXPECT_EQ(window.pose_panel()->pose().people().size(), 2u);
  EXPECT_EQ(window.image_prompt_panel()->prompts().size(), 1u);
  EXPECT_FALSE(window.pose_panel()->document()->shown_parts().face);
  EXPECT_FALSE(window.pose_panel()->findChild<QToolButton*>("ShowFace")->isChecked());
}
