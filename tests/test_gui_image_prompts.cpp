// GUI: the image-prompt rows' controls (weight type, weights, start/end, mask), the mask painter over
// the pose reference, the negative image prompt, and their way through history, presets and the engine.
#include "core/pipeline/demo_models.h"  // libtorch headers before Qt's (Qt's `slots` macro)

#include <filesystem>

#include <gtest/gtest.h>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>

#include "core/presets/preset.h"
#include "tests/support/fixtures.h"
#include "tests/support/gui_app.h"
#include "tests/support/standing_pose.h"
#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/image_prompts/image_prompt_row.h"
#include "ui/image_prompts/mask_canvas.h"
#include "ui/image_prompts/mask_paint_dialog.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/pose_editor/pose_reference_image.h"
#include "ui/results/history_strip.h"
#include "ui/window/main_window.h"

using namespace poseforge;
using poseforge::diffusion::IpWeightType;
using poseforge::test::GuiEnv;
using poseforge::test::qpath;
using poseforge::ui::ImagePromptPanel;
using poseforge::ui::ImagePromptRow;
using poseforge::ui::MainWindow;
using poseforge::ui::MaskCanvas;

namespace {

std::filesystem::path write_picture(const std::filesystem::path& dir, const std::string& name, QColor colour,
                                    QSize size = {32, 24}) {
  QImage image(size, QImage::Format_RGB32);
  image.fill(colour);
  const auto file = dir / name;
  EXPECT_TRUE(image.save(qpath(file)));
  return file;
}

// A mask with its left half white.
std::filesystem::path write_half_mask(const std::filesystem::path& dir) {
  QImage mask(40, 40, QImage::Format_Grayscale8);
  mask.fill(0);
  for (int y = 0; y < 40; ++y) std::fill_n(mask.scanLine(y), 20, 255);
  const auto file = dir / "mask.png";
  EXPECT_TRUE(mask.save(qpath(file)));
  return file;
}

template <typename T>
T* child(QWidget* parent, const char* name) {
  auto* w = parent->findChild<T*>(name);
  EXPECT_NE(w, nullptr) << name;
  return w;
}

}  // namespace

TEST(ImagePromptRows, TypeWeightsStartEndReachTheRequestAndTheEngine) {
  GuiEnv env;
  test::TempDir dir;
  ImagePromptPanel panel;
  panel.show();
  ASSERT_TRUE(panel.add_file(qpath(write_picture(dir.path(), "a.png", Qt::red))));
  ImagePromptRow* row = panel.row(0);
  ASSERT_NE(row, nullptr);
  QSignalSpy changed(&panel, &ImagePromptPanel::prompts_changed);
  auto* type = child<QComboBox>(row, "PromptType");
  ASSERT_EQ(type->count(), static_cast<int>(diffusion::all_ip_weight_types().size()));
  // each type is listed by its label and says what it does
  for (int i = 0; i < type->count(); ++i) {
    const auto t = diffusion::all_ip_weight_types()[static_cast<std::size_t>(i)];
    EXPECT_EQ(type->itemText(i), diffusion::ip_weight_type_label(t));
    EXPECT_EQ(type->itemData(i, Qt::ToolTipRole).toString(), diffusion::ip_weight_type_description(t));
  }
  auto* composition = child<QDoubleSpinBox>(row, "PromptCompositionWeight");
  EXPECT_TRUE(composition->isHidden());
  type->setCurrentIndex(type->findText("Style + composition"));
  EXPECT_FALSE(composition->isHidden());
  composition->setValue(0.35);
  child<QDoubleSpinBox>(row, "PromptWeight")->setValue(0.8);
  child<QDoubleSpinBox>(row, "PromptStart")->setValue(0.2);
  child<QDoubleSpinBox>(row, "PromptEnd")->setValue(0.7);
  EXPECT_GE(changed.count(), 4);
  const auto p = panel.prompts().front();
  EXPECT_EQ(p.type, IpWeightType::StyleAndComposition);
  EXPECT_DOUBLE_EQ(p.weight, 0.8);
  EXPECT_DOUBLE_EQ(p.effective_composition_weight(), 0.35);
  EXPECT_DOUBLE_EQ(p.start, 0.2);
  EXPECT_DOUBLE_EQ(p.end, 0.7);
  // start stays below end
  child<QDoubleSpinBox>(row, "PromptStart")->setValue(0.9);
  EXPECT_GT(panel.prompts().front().end, panel.prompts().front().start);
  // the engine gets the same settings with the pixels
  const auto engine = ui::engine_image_prompts(panel.inputs());
  ASSERT_EQ(engine.size(), 1u);
  EXPECT_EQ(engine[0].type, IpWeightType::StyleAndComposition);
  EXPECT_DOUBLE_EQ(engine[0].composition_weight, 0.35);
  EXPECT_DOUBLE_EQ(engine[0].start, panel.prompts().front().start);
  EXPECT_TRUE(engine[0].mask.empty());
  // other types carry no composition weight of their own
  type->setCurrentIndex(type->findText("Style transfer"));
  EXPECT_FALSE(panel.prompts().front().composition_weight.has_value());
}

TEST(ImagePromptRows, SetPromptsRestoresEveryControlAndTheMask) {
  GuiEnv env;
  test::TempDir dir;
  ImagePromptPanel panel;
  std::vector<pipeline::ImagePrompt> prompts = {{write_picture(dir.path(), "a.png", Qt::red).string(), 0.6},
                                                {write_picture(dir.path(), "b.png", Qt::blue).string(), 1.2}};
  prompts[0].type = IpWeightType::Composition;
  prompts[0].start = 0.3;
  prompts[0].end = 0.6;
  prompts[1].type = IpWeightType::StrongStyle;
  prompts[1].mask = write_half_mask(dir.path()).string();
  ASSERT_EQ(panel.set_prompts(prompts), 2);
  const auto back = panel.prompts();
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(back[i].type, prompts[i].type);
    EXPECT_DOUBLE_EQ(back[i].weight, prompts[i].weight);
    EXPECT_DOUBLE_EQ(back[i].start, prompts[i].start);
    EXPECT_DOUBLE_EQ(back[i].end, prompts[i].end);
    EXPECT_EQ(std::filesystem::path(back[i].mask), std::filesystem::path(prompts[i].mask));
  }
  EXPECT_EQ(panel.inputs()[1].mask.width, 40);
  EXPECT_FALSE(child<QLabel>(panel.row(1), "PromptMaskThumbnail")->isHidden());
  EXPECT_TRUE(child<QLabel>(panel.row(0), "PromptMaskThumbnail")->isHidden());
  // an unreadable mask is a message, and the prompt acts on the whole picture
  prompts[1].mask = (dir / "gone.png").string();
  panel.set_prompts(prompts);
  EXPECT_TRUE(panel.message().contains("gone.png")) << panel.message().toStdString();
  EXPECT_TRUE(panel.prompts()[1].mask.empty());
}

TEST(MaskPainter, StrokesOverThePoseReferenceBecomeThePromptsMask) {
  GuiEnv env;
  test::TempDir dir;
  MainWindow window;
  window.show();
  ASSERT_TRUE(window.pose_panel()->import_pose_json(qpath(test::write_standing_pose(dir.path()))));
  ASSERT_TRUE(window.image_prompt_panel()->add_file(qpath(write_picture(dir.path(), "a.png", Qt::red))));
  EXPECT_EQ(window.open_mask_painter(5), nullptr);
  auto* dialog = window.open_mask_painter(0);
  ASSERT_NE(dialog, nullptr);
  MaskCanvas* canvas = dialog->canvas();
  // the background is the pose reference: its size, with the skeleton drawn in
  const QImage reference = ui::pose_reference_image(*window.pose_panel()->document());
  EXPECT_EQ(canvas->background().size(), reference.size());
  EXPECT_EQ(canvas->mask().size(), reference.size());
  EXPECT_TRUE(canvas->mask_is_empty());
  QImage black(reference.size(), QImage::Format_RGB888);
  black.fill(Qt::black);
  EXPECT_NE(reference.convertToFormat(QImage::Format_RGB888), black) << "the skeleton shows";
  // a drag with the left button paints under the cursor
  EXPECT_TRUE(QTest::qWaitForWindowExposed(dialog));
  const QRect area = canvas->rect();
  const QPoint a = area.center() - QPoint(area.width() / 8, 0), b = area.center() + QPoint(area.width() / 8, 0);
  QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, a);
  QMouseEvent move(QEvent::MouseMove, QPointF(b), canvas->mapToGlobal(QPointF(b)), Qt::NoButton, Qt::LeftButton,
                   Qt::NoModifier);
  QApplication::sendEvent(canvas, &move);
  QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, b);
  EXPECT_FALSE(canvas->mask_is_empty());
  const QPointF centre = canvas->to_image(area.center());
  EXPECT_EQ(qGray(canvas->mask().pixel(centre.toPoint())), 255);
  EXPECT_EQ(qGray(canvas->mask().pixel(1, 1)), 0);  // far from the stroke
  // right button erases
  QTest::mousePress(canvas, Qt::RightButton, Qt::NoModifier, area.center());
  QTest::mouseRelease(canvas, Qt::RightButton, Qt::NoModifier, area.center());
  EXPECT_EQ(qGray(canvas->mask().pixel(centre.toPoint())), 0);
  child<QPushButton>(dialog, "MaskInvert")->click();
  EXPECT_EQ(qGray(canvas->mask().pixel(1, 1)), 255);
  dialog->accept();
  // the row now holds the mask, saved as a file the request names
  const auto prompt = window.image_prompt_panel()->prompts().front();
  ASSERT_FALSE(prompt.mask.empty());
  EXPECT_TRUE(std::filesystem::exists(prompt.mask));
  const auto input = window.image_prompt_panel()->inputs().front();
  EXPECT_EQ(input.mask.width, reference.width());
  EXPECT_EQ(input.mask.height, reference.height());
  // opening again starts from the current mask
  auto* again = window.open_mask_painter(0);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(qGray(again->canvas()->mask().pixel(1, 1)), 255);
  again->reject();
  EXPECT_EQ(window.image_prompt_panel()->prompts().front().mask, prompt.mask);
}

TEST(ImagePromptRows, NegativeImagePromptHistoryAndPresets) {
  GuiEnv env;
  test::TempDir dir;
  MainWindow window;
  window.show();
  auto* panel = window.image_prompt_panel();
  QSignalSpy changed(panel, &ImagePromptPanel::prompts_changed);
  EXPECT_FALSE(panel->set_negative(qpath(dir / "gone.png")));
  ASSERT_TRUE(panel->set_negative(qpath(write_picture(dir.path(), "neg.png", Qt::gray))));
  EXPECT_EQ(changed.count(), 1);
  EXPECT_EQ(panel->negative_pixels().width, 32);
  EXPECT_TRUE(child<QLabel>(panel, "NegativeImageLabel")->text().contains("neg.png"));
  child<QToolButton>(panel, "NegativeImageClear")->click();
  EXPECT_TRUE(panel->negative_path().isEmpty());

  // a history entry restores types, start/end, masks and the negative
  pipeline::Request r;
  r.image_prompts = {{write_picture(dir.path(), "a.png", Qt::red).string(), 0.9}};
  r.image_prompts[0].type = IpWeightType::Style;
  r.image_prompts[0].start = 0.25;
  r.image_prompts[0].mask = write_half_mask(dir.path()).string();
  r.ip_negative_image = write_picture(dir.path(), "neg2.png", Qt::darkGray).string();
  QImage picture(64, 64, QImage::Format_RGB32);
  picture.fill(Qt::darkGreen);
  window.history()->add({picture, r, "earlier", {}, {}, std::nullopt});
  QTest::mouseClick(window.history()->viewport(), Qt::LeftButton, Qt::NoModifier,
                    window.history()->visualItemRect(window.history()->item(0)).center());
  ASSERT_EQ(panel->count(), 1);
  const auto back = panel->prompts().front();
  EXPECT_EQ(back.type, IpWeightType::Style);
  EXPECT_DOUBLE_EQ(back.start, 0.25);
  EXPECT_EQ(std::filesystem::path(back.mask), std::filesystem::path(r.image_prompts[0].mask));
  EXPECT_EQ(std::filesystem::path(panel->negative_path().toStdString()), std::filesystem::path(r.ip_negative_image));

  // a preset carries the controls by position, not the pictures
  auto request = r;
  request.image_prompts[0].type = IpWeightType::Composition;
  request.image_prompts[0].weight = 0.4;
  const auto preset = presets::Preset::from_request("mine", request);
  ASSERT_EQ(preset.image_prompts.size(), 1u);
  EXPECT_TRUE(preset.image_prompts[0].path.empty());
  const auto read = presets::Preset::from_json(preset.to_json(), "test");
  EXPECT_EQ(read.image_prompts[0].type, IpWeightType::Composition);
  panel->apply_preset_controls(read.image_prompts);
  EXPECT_EQ(panel->prompts().front().type, IpWeightType::Composition);
  EXPECT_DOUBLE_EQ(panel->prompts().front().weight, 0.4);
  EXPECT_EQ(std::filesystem::path(panel->prompts().front().path), std::filesystem::path(r.image_prompts[0].path));
}
