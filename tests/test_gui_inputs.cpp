// GUI: the input slots: image prompts (drop several, weights, remove, paste), the pose reference's
// paste and error messages, driven offscreen with Qt Test.
#include <filesystem>

#include <gtest/gtest.h>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QSignalSpy>
#include <QToolButton>

#include "core/io/image.h"
#include "tests/support/fixtures.h"
#include "tests/support/gui_app.h"
#include "ui/common/image_convert.h"
#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/image_prompts/image_prompt_row.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_panel.h"

using namespace poseforge;
using poseforge::test::fixture;
using poseforge::test::gui_app;
using poseforge::test::qpath;
using poseforge::test::TempDir;
using poseforge::test::TempSettings;
using poseforge::ui::ImagePromptPanel;
using poseforge::ui::ImagePromptRow;
using poseforge::ui::PosePanel;

namespace {

bool same_file(const QString& a, const std::filesystem::path& b) {
  return QFileInfo(a).canonicalFilePath() == QFileInfo(qpath(b)).canonicalFilePath();
}

// Two real pictures from the fixtures.
std::filesystem::path photo_a() {
  return fixture("openpose/decode_input.png");
}
std::filesystem::path photo_b() {
  return fixture("openpose/decode_expected_pose.png");
}

}  // namespace

TEST(ImagePromptPanel, DropSeveralFilesSetWeightsAndRemove) {
  gui_app();
  TempSettings settings;
  ImagePromptPanel panel;
  panel.resize(320, 400);
  panel.show();
  QSignalSpy changed(&panel, &ImagePromptPanel::prompts_changed);
  ASSERT_TRUE(test::drop_files(&panel, {qpath(photo_a()), qpath(photo_b())}));
  ASSERT_EQ(panel.count(), 2);
  EXPECT_GE(changed.count(), 1);
  auto prompts = panel.prompts();
  EXPECT_TRUE(same_file(QString::fromStdString(prompts[0].path), photo_a()));
  EXPECT_TRUE(same_file(QString::fromStdString(prompts[1].path), photo_b()));
  EXPECT_EQ(prompts[0].weight, 1.0);
  // The pixels are what the engine reads from the file.
  const io::Image expected = io::read_image_rgb(photo_a());
  EXPECT_EQ(panel.inputs()[0].pixels.pixels, expected.pixels);

  // Each row: thumbnail, weight spin box, remove button; the weight reaches prompts().
  const auto rows = panel.findChildren<ImagePromptRow*>();
  ASSERT_EQ(rows.size(), 2);
  auto* spin = rows[1]->findChild<QDoubleSpinBox*>("PromptWeight");
  ASSERT_NE(spin, nullptr);
  spin->setValue(0.4);
  EXPECT_DOUBLE_EQ(panel.prompts()[1].weight, 0.4);
  const int before = changed.count();
  auto* remove = rows[0]->findChild<QToolButton*>("RemovePrompt");
  ASSERT_NE(remove, nullptr);
  QTest::mouseClick(remove, Qt::LeftButton);
  ASSERT_EQ(panel.count(), 1);
  EXPECT_GT(changed.count(), before);
  EXPECT_TRUE(same_file(QString::fromStdString(panel.prompts()[0].path), photo_b()));
  EXPECT_DOUBLE_EQ(panel.prompts()[0].weight, 0.4);

  // Restoring a list (a preset, a result's parameters).
  EXPECT_EQ(panel.set_prompts({{photo_a().string(), 0.7}, {"/no/such/file.png", 1.0}}), 1);
  EXPECT_DOUBLE_EQ(panel.prompts()[0].weight, 0.7);
  EXPECT_TRUE(panel.message().contains("/no/such/file.png")) << panel.message().toStdString();
}

TEST(ImagePromptPanel, PasteImageDataAndFileUrls) {
  gui_app();
  TempSettings settings;
  ImagePromptPanel panel;
  panel.show();
  const io::Image pixels = io::read_image_rgb(photo_a());
  QApplication::clipboard()->setImage(ui::to_qimage(pixels));
  ASSERT_TRUE(panel.paste()) << panel.message().toStdString();
  ASSERT_EQ(panel.count(), 1);
  const auto input = panel.inputs()[0];
  EXPECT_EQ(input.pixels.pixels, pixels.pixels);
  // Pasted data is kept as a PNG so a request can name it.
  EXPECT_TRUE(QFileInfo(input.path).isFile()) << input.path.toStdString();
  EXPECT_EQ(io::read_image_rgb(input.path.toStdString()).pixels, pixels.pixels);

  // A copied file (as a file manager puts it: a URL, or file:// text).
  auto* mime = new QMimeData;
  mime->setText(QUrl::fromLocalFile(qpath(photo_b())).toString());
  QApplication::clipboard()->setMimeData(mime);
  ASSERT_TRUE(panel.paste()) << panel.message().toStdString();
  ASSERT_EQ(panel.count(), 2);
  EXPECT_TRUE(same_file(QString::fromStdString(panel.prompts()[1].path), photo_b()));

  // Ctrl+V on the panel does the same.
  panel.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&panel));
  panel.setFocus();
  QApplication::clipboard()->setImage(ui::to_qimage(pixels));
  QTest::keyClick(&panel, Qt::Key_V, Qt::ControlModifier);
  EXPECT_EQ(panel.count(), 3);
}

TEST(ImagePromptPanel, UnreadableFilesAreRefusedWithAMessage) {
  gui_app();
  TempSettings settings;
  TempDir dir;
  test::write_bytes(dir / "notes.png", "this is not a picture");
  ImagePromptPanel panel;
  panel.show();
  EXPECT_FALSE(panel.add_file(qpath(dir / "notes.png")));
  EXPECT_EQ(panel.count(), 0);
  EXPECT_TRUE(panel.message().contains("notes.png")) << panel.message().toStdString();
  // A drop with one good and one bad file adds the good one and names the bad one.
  ASSERT_TRUE(test::drop_files(&panel, {qpath(dir / "notes.png"), qpath(photo_a())}));
  EXPECT_EQ(panel.count(), 1);
  EXPECT_TRUE(panel.message().contains("notes.png")) << panel.message().toStdString();
  // A web URL is not a local file.
  QMimeData web;
  web.setUrls({QUrl("https://example.com/a.png")});
  EXPECT_EQ(panel.take_mime(&web), 0);
  EXPECT_TRUE(panel.message().contains("not a local file")) << panel.message().toStdString();
  // Nothing usable on the clipboard.
  QApplication::clipboard()->clear();
  EXPECT_FALSE(panel.paste());
  EXPECT_FALSE(panel.message().isEmpty());
}

TEST(PosePanel, PasteAPhotoAndRefuseAnUnreadableOne) {
  gui_app();
  TempSettings settings;
  TempDir models;  // empty models root: no detection, the download help instead
  QSettings().setValue("models/root", qpath(models.path()));
  TempDir dir;
  PosePanel panel;
  panel.show();
  const io::Image pixels = io::read_image_rgb(photo_a());
  QApplication::clipboard()->setImage(ui::to_qimage(pixels));
  panel.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&panel));
  panel.setFocus();
  QTest::keyClick(&panel, Qt::Key_V, Qt::ControlModifier);
  ASSERT_TRUE(panel.document()->has_photo()) << panel.message().toStdString();
  EXPECT_EQ(panel.document()->photo().size(), QSize(pixels.width, pixels.height));
  EXPECT_TRUE(QFileInfo(panel.reference_path()).isFile());
  EXPECT_TRUE(panel.message().contains("body_pose_model.pth")) << panel.message().toStdString();

  test::write_bytes(dir / "broken.jpg", "\xff\xd8 truncated");
  EXPECT_FALSE(panel.open_file(qpath(dir / "broken.jpg")));
  EXPECT_TRUE(panel.message().contains("broken.jpg")) << panel.message().toStdString();
  EXPECT_EQ(panel.document()->photo().size(), QSize(pixels.width, pixels.height)) << "the old photo stays";
  ASSERT_TRUE(test::drop_files(&panel, {qpath(dir / "missing.png")}));
  EXPECT_TRUE(panel.message().contains("missing.png")) << panel.message().toStdString();
}
