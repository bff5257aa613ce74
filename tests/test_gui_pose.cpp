// GUI: the pose document (no widgets) and the pose panel (drop, background detection, joint editing,
// undo/redo, people, JSON), driven offscreen with Qt Test.
#include <filesystem>

// libtorch first: Qt's `slots` keyword macro breaks its headers.
#include "tests/support/procedural_body_weights.h"

#include <gtest/gtest.h>
#include <QAction>
#include <QFileInfo>
#include <QLineF>
#include <QMenu>
#include <QSignalSpy>
#include <QSlider>
#include <QToolButton>
#include <QUndoStack>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/pose/body_decode.h"
#include "core/pose/draw.h"
#include "core/pose/pose_json.h"
#include "tests/support/fixtures.h"
#include "tests/support/gui_app.h"
#include "ui/pose_editor/pose_canvas.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_panel.h"

using namespace poseforge;
using poseforge::test::fixture;
using poseforge::test::fixture_json;
using poseforge::test::gui_app;
using poseforge::test::qpath;
using poseforge::test::TempDir;
using poseforge::test::TempSettings;
using poseforge::test::wait_until;
using poseforge::ui::JointRef;
using poseforge::ui::PoseCanvas;
using poseforge::ui::PoseDocument;
using poseforge::ui::PosePanel;

namespace {

constexpr int kDetectTimeoutMs = 300000;  // CPU detection on a shared, loaded machine

// The people of openpose/decode_expected.json on decode_input.png's canvas.
pose::Pose fixture_pose() {
  const nlohmann::json expected = fixture_json("openpose/decode_expected.json");
  pose::BodyDecoding decoding;
  for (const auto& row : expected.at("candidate"))
    decoding.candidates.push_back(
        {row[0].get<double>(), row[1].get<double>(), row[2].get<double>(), row[3].get<int>()});
  for (const auto& row : expected.at("subset")) {
    pose::SubsetRow s;
    for (int i = 0; i < pose::kBodyKeypoints; ++i) s.parts[i] = row[i].get<double>();
    decoding.subset.push_back(s);
  }
  const int height = expected.at("image_size")[0].get<int>();
  const int width = expected.at("image_size")[1].get<int>();
  return pose::pose_from_decoding(decoding, width, height);
}

void expect_same_pose(const pose::Pose& a, const pose::Pose& b) {
  ASSERT_EQ(a.people().size(), b.people().size());
  EXPECT_EQ(a.canvas_width(), b.canvas_width());
  for (std::size_t p = 0; p < a.people().size(); ++p)
    for (int k = 0; k < pose::kBodyKeypoints; ++k) {
      const auto& x = a.people()[p].body[k];
      const auto& y = b.people()[p].body[k];
      ASSERT_EQ(x.has_value(), y.has_value()) << p << "/" << k;
      if (x) {
        EXPECT_NEAR(x->x, y->x, 1e-9) << p << "/" << k;
        EXPECT_NEAR(x->y, y->y, 1e-9) << p << "/" << k;
      }
    }
}

// A panel showing decode_input.png with the fixture pose (loaded from a JSON file, as a user would).
struct EditorFixture {
  TempSettings settings;
  TempDir dir;
  PosePanel panel;
  pose::Pose expected = fixture_pose();

  EditorFixture() {
    panel.resize(500, 640);
    panel.show();
    const QImage photo(qpath(fixture("openpose/decode_input.png")));
    panel.document()->set_photo(photo, qpath(fixture("openpose/decode_input.png")));
    pose::save_pose_json(dir / "pose.json", expected);
    EXPECT_TRUE(panel.import_pose_json(qpath(dir / "pose.json"))) << panel.message().toStdString();
    QApplication::processEvents();
  }
  PoseCanvas* canvas() { return panel.canvas(); }
  QPoint joint(JointRef j) { return canvas()->joint_position(j).toPoint(); }
  std::size_t people() const { return expected.people().size(); }
  // A detected joint of `person` that no other joint covers on screen (other fixture sets have other people and
  // other detected parts: nothing here assumes which ones).
  JointRef isolated_joint(std::size_t person) {
    for (int k = 0; k < pose::kBodyKeypoints; ++k) {
      if (!expected.person(person).body[static_cast<std::size_t>(k)]) continue;
      const JointRef j{person, k};
      bool alone = true;
      for (std::size_t p = 0; p < people() && alone; ++p)
        for (int o = 0; o < pose::kBodyKeypoints && alone; ++o)
          if ((p != person || o != k) && expected.person(p).body[static_cast<std::size_t>(o)])
            alone = QLineF(canvas()->joint_position(j), canvas()->joint_position({p, o})).length() > 20.0;
      if (alone) return j;
    }
    ADD_FAILURE() << "person " << person << " of the fixture pose has no joint apart from the others";
    return {person, 0};
  }
};

QString keypoint_label(int keypoint) {
  return QString(pose::kBodyKeypointNames[static_cast<std::size_t>(keypoint)]).replace('_', ' ');
}

}  // namespace

TEST(PoseDocument, EditsUndoAndMergedDrags) {
  gui_app();
  PoseDocument doc;
  QSignalSpy changed(&doc, &PoseDocument::pose_changed);
  EXPECT_EQ(doc.canvas_size(), QSize(512, 512));  // nothing loaded: a square default canvas
  const std::size_t p = doc.add_person();
  ASSERT_EQ(doc.pose().people().size(), 1u);
  EXPECT_EQ(doc.pose().person(p).body_count(), pose::kBodyKeypoints);  // a complete standing skeleton
  const pose::Pose standing = doc.pose();

  // One drag = many moves with one drag id = one undo step.
  const int drag = doc.new_drag_id();
  for (int i = 1; i <= 5; ++i) doc.move_keypoint(p, 4, 0.1 * i, 0.1, drag);
  EXPECT_EQ(doc.undo_stack()->count(), 2);
  EXPECT_DOUBLE_EQ(doc.pose().person(p).body[4]->x, 0.5);
  doc.move_keypoint(p, 4, 1.7, -3.0, doc.new_drag_id());  // clamped into the canvas
  EXPECT_EQ(doc.undo_stack()->count(), 3);
  EXPECT_DOUBLE_EQ(doc.pose().person(p).body[4]->x, 1.0);
  EXPECT_DOUBLE_EQ(doc.pose().person(p).body[4]->y, 0.0);
  doc.undo_stack()->undo();
  doc.undo_stack()->undo();
  EXPECT_EQ(doc.pose(), standing);
  doc.undo_stack()->redo();
  EXPECT_DOUBLE_EQ(doc.pose().person(p).body[4]->x, 0.5);

  doc.remove_keypoint(p, 4);
  EXPECT_FALSE(doc.pose().person(p).body[4].has_value());
  doc.add_keypoint(p, 4, 0.2, 0.3);
  EXPECT_DOUBLE_EQ(doc.pose().person(p).body[4]->y, 0.3);
  EXPECT_THROW(doc.remove_keypoint(p, 99), Error);  // bad index: an Error, nothing pushed
  EXPECT_EQ(doc.undo_stack()->count(), 4);          // add person, first drag, delete, add (the undone drag is gone)
  doc.remove_person(p);
  EXPECT_TRUE(doc.pose().empty());
  EXPECT_GE(changed.count(), 9);

  // The control image is core's drawing of the pose.
  doc.undo_stack()->undo();
  const io::Image control = doc.control_image(96, 128);
  EXPECT_EQ(control.width, 96);
  EXPECT_EQ(control.pixels, pose::render_control_image(doc.pose(), 96, 128).pixels);
}

TEST(PoseDocument, NewPhotoClearsThePoseUndoably) {
  gui_app();
  PoseDocument doc;
  doc.replace_pose(fixture_pose(), "Load");
  const QImage photo(qpath(fixture("openpose/decode_input.png")));
  ASSERT_FALSE(photo.isNull());
  doc.set_photo(photo, "photo.png");
  EXPECT_TRUE(doc.pose().empty());
  EXPECT_EQ(doc.canvas_size(), photo.size());
  doc.undo_stack()->undo();
  expect_same_pose(doc.pose(), fixture_pose());
}

TEST(PosePanel, MoveAJointByMouseThenUndoRedo) {
  gui_app();
  EditorFixture f;
  expect_same_pose(f.panel.pose(), f.expected);
  const int steps_before = f.panel.document()->undo_stack()->count();
  ASSERT_GE(f.people(), 1u);
  const JointRef j = f.isolated_joint(0);
  const QPoint from = f.joint(j);
  const QPoint to = from + QPoint(30, -20);
  QTest::mousePress(f.canvas(), Qt::LeftButton, {}, from);
  for (int i = 1; i <= 6; ++i) QTest::mouseMove(f.canvas(), from + (to - from) * i / 6);
  QTest::mouseRelease(f.canvas(), Qt::LeftButton, {}, to);

  const auto geometry = f.canvas()->view_geometry();
  const QPointF expected = geometry.to_normalised(to);
  const auto k = static_cast<std::size_t>(j.keypoint);
  const auto& moved = f.panel.pose().person(0).body[k];
  ASSERT_TRUE(moved.has_value());
  EXPECT_NEAR(moved->x, expected.x(), 1e-9);
  EXPECT_NEAR(moved->y, expected.y(), 1e-9);
  EXPECT_NE(moved->x, f.expected.person(0).body[k]->x);
  EXPECT_EQ(f.panel.document()->undo_stack()->count(), steps_before + 1) << "one drag, one undo step";

  f.canvas()->setFocus();
  QTest::keyClick(f.canvas(), Qt::Key_Z, Qt::ControlModifier);
  expect_same_pose(f.panel.pose(), f.expected);
  QTest::keyClick(f.canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  EXPECT_NEAR(f.panel.pose().person(0).body[k]->x, expected.x(), 1e-9);
}

TEST(PosePanel, DeleteAJointThenAddItBackFromTheContextMenu) {
  gui_app();
  EditorFixture f;
  ASSERT_GE(f.people(), 1u);
  const std::size_t last = f.people() - 1;
  const JointRef j = f.isolated_joint(last);
  const auto k = static_cast<std::size_t>(j.keypoint);
  QTest::mouseClick(f.canvas(), Qt::LeftButton, {}, f.joint(j));
  ASSERT_TRUE(f.canvas()->selected().has_value());
  EXPECT_EQ(*f.canvas()->selected(), j);
  QTest::keyClick(f.canvas(), Qt::Key_Delete);
  EXPECT_FALSE(f.panel.pose().person(last).body[k].has_value());
  EXPECT_FALSE(f.canvas()->selected().has_value());

  // Right-click on empty space: ("Person N" >) "Add <joint>", placed where the menu was opened.
  const QPoint empty(5, 5);
  std::unique_ptr<QMenu> menu(f.canvas()->make_context_menu(empty, nullptr));
  const QString add_text = "Add " + keypoint_label(j.keypoint);
  QAction* add = nullptr;
  for (QAction* a : menu->actions()) {
    if (f.people() == 1 && a->text() == add_text) add = a;
    if (a->menu() != nullptr && a->text() == QString("Person %1").arg(last + 1))
      for (QAction* b : a->menu()->actions())
        if (b->text() == add_text) add = b;
  }
  ASSERT_NE(add, nullptr) << add_text.toStdString();
  add->trigger();
  const auto& added = f.panel.pose().person(last).body[k];
  ASSERT_TRUE(added.has_value());
  const QPointF at = f.canvas()->view_geometry().to_normalised(empty);
  EXPECT_NEAR(added->x, std::clamp(at.x(), 0.0, 1.0), 1e-9);
}

TEST(PosePanel, AddAndRemovePeople) {
  gui_app();
  EditorFixture f;
  std::unique_ptr<QMenu> menu(f.canvas()->make_context_menu(QPoint(2, 2), nullptr));
  QAction* add_person = nullptr;
  for (QAction* a : menu->actions())
    if (a->text() == "Add person") add_person = a;
  ASSERT_NE(add_person, nullptr);
  const std::size_t n = f.people();
  ASSERT_GE(n, 1u);
  add_person->trigger();
  ASSERT_EQ(f.panel.pose().people().size(), n + 1);
  EXPECT_EQ(f.panel.pose().person(n).body_count(), pose::kBodyKeypoints);

  // Right-click one of the first person's joints: "Remove person 1".
  menu.reset(f.canvas()->make_context_menu(f.joint(f.isolated_joint(0)), nullptr));
  QAction* remove = nullptr;
  for (QAction* a : menu->actions())
    if (a->text() == "Remove person 1") remove = a;
  ASSERT_NE(remove, nullptr);
  remove->trigger();
  ASSERT_EQ(f.panel.pose().people().size(), n);
  expect_same_pose(
      [&] {  // the fixture's other people move up one; the added person stays last
        pose::Pose p(f.expected.canvas_width(), f.expected.canvas_height());
        for (std::size_t i = 1; i < n; ++i) p.add_person(f.expected.person(i));
        p.add_person(f.panel.pose().person(n - 1));
        return p;
      }(),
      f.panel.pose());
  f.panel.document()->undo_stack()->undo();
  EXPECT_EQ(f.panel.pose().people().size(), n + 1);
}

TEST(PosePanel, ExportAndReimportJson) {
  gui_app();
  EditorFixture f;
  ASSERT_GE(f.people(), 1u);
  const JointRef moved = f.isolated_joint(0);  // a joint the fixture detected (not assumed to be the nose)
  f.panel.document()->move_keypoint(moved.person, moved.keypoint, 0.25, 0.125);
  ASSERT_TRUE(f.panel.export_pose_json(qpath(f.dir / "out.json")));
  PosePanel other;  // a pose on its own: no photo, black canvas of the pose's size
  ASSERT_TRUE(other.import_pose_json(qpath(f.dir / "out.json"))) << other.message().toStdString();
  expect_same_pose(other.pose(), f.panel.pose());
  EXPECT_FALSE(other.document()->has_photo());
  EXPECT_EQ(other.document()->canvas_size(), QSize(f.expected.canvas_width(), f.expected.canvas_height()));
  const io::Image control = other.control_image(64, 64);
  EXPECT_EQ(control.pixels, pose::render_control_image(f.panel.pose(), 64, 64).pixels);

  // A broken JSON is a message naming the file; the pose stays.
  test::write_bytes(f.dir / "broken.json", "{\"people\": [");
  EXPECT_FALSE(other.import_pose_json(qpath(f.dir / "broken.json")));
  EXPECT_TRUE(other.message().contains("broken.json")) << other.message().toStdString();
  expect_same_pose(other.pose(), f.panel.pose());
}

TEST(PosePanel, LayerTogglesAndPhotoOpacity) {
  gui_app();
  EditorFixture f;
  // The skeleton is painted from the model: a joint's centre has its OpenPose colour.
  ASSERT_GE(f.people(), 1u);
  const JointRef j = f.isolated_joint(0);
  const QPoint neck = f.joint(j);  // any joint apart from the others
  const auto& rgb = pose::kColors[static_cast<std::size_t>(j.keypoint)];
  const QColor neck_colour(rgb[0], rgb[1], rgb[2]);
  auto colour_at = [&](QPoint p) { return f.canvas()->grab().toImage().pixelColor(p); };
  EXPECT_EQ(colour_at(neck), neck_colour);

  f.panel.findChild<QToolButton*>("ShowPhoto")->click();
  EXPECT_EQ(f.canvas()->layers(), ui::PoseLayers::Photo);
  EXPECT_NE(colour_at(neck), neck_colour);
  QTest::mouseClick(f.canvas(), Qt::LeftButton, {}, neck);
  EXPECT_FALSE(f.canvas()->selected().has_value()) << "hidden joints cannot be grabbed";

  f.panel.findChild<QToolButton*>("ShowSkeleton")->click();
  EXPECT_EQ(f.canvas()->layers(), ui::PoseLayers::Skeleton);
  const QPointF corner = f.canvas()->view_geometry().target().topLeft() + QPointF(2, 2);
  EXPECT_EQ(colour_at(corner.toPoint()), QColor(Qt::black)) << "no photo under the skeleton";

  auto* opacity = f.panel.findChild<QSlider*>("PhotoOpacity");
  ASSERT_NE(opacity, nullptr);
  opacity->setValue(25);
  EXPECT_DOUBLE_EQ(f.canvas()->photo_opacity(), 0.25);
}

TEST(PosePanel, DroppingAPoseJsonLoadsItWithoutAPhoto) {
  gui_app();
  TempSettings settings;
  TempDir dir;
  pose::save_pose_json(dir / "pose.json", fixture_pose());
  PosePanel panel;
  panel.show();
  ASSERT_TRUE(test::drop_files(&panel, {qpath(dir / "pose.json")}));
  expect_same_pose(panel.pose(), fixture_pose());
  EXPECT_FALSE(panel.document()->has_photo());
  EXPECT_FALSE(panel.detecting());
  EXPECT_TRUE(panel.reference_path().isEmpty());
}

TEST(PosePanel, DropStartsBackgroundDetectionAndANewerDropWins) {
  gui_app();
  TempSettings settings;
  TempDir models;
  std::filesystem::create_directories(models / "openpose");
  io::write_safetensors(models / "openpose" / "body_pose_model.safetensors", test::procedural_body_weights(), {});
  QSettings().setValue("models/root", qpath(models.path()));

  PosePanel panel;
  panel.resize(400, 500);
  panel.show();
  QSignalSpy finished(&panel, &PosePanel::detection_finished);
  const QString photo = qpath(fixture("openpose/decode_input.png"));
  QElapsedTimer drop_time;
  drop_time.start();
  ASSERT_TRUE(test::drop_files(&panel, {photo}));
  ASSERT_TRUE(test::drop_files(&panel, {photo}));  // a second drop supersedes the first
  const qint64 drop_ms = drop_time.elapsed();
  EXPECT_TRUE(panel.detecting());
  EXPECT_TRUE(panel.document()->has_photo());
  EXPECT_EQ(QFileInfo(panel.reference_path()).canonicalFilePath(), QFileInfo(photo).canonicalFilePath());

  qint64 worst_gap = 0;
  ASSERT_TRUE(wait_until([&] { return finished.count() > 0; }, kDetectTimeoutMs, &worst_gap))
      << panel.message().toStdString();
  wait_until([] { return false; }, 300);  // a stale first result would arrive now
  EXPECT_EQ(finished.count(), 1) << "only the newest drop's result is used";
  EXPECT_TRUE(finished.at(0).at(0).toBool()) << panel.message().toStdString();
  EXPECT_FALSE(panel.detecting());
  // Procedural weights may find nobody; whatever was found is the document's pose now.
  EXPECT_GT(panel.pose().canvas_width(), 0);
  EXPECT_FALSE(panel.message().isEmpty());
  std::printf("two drops took %lld ms; UI thread's worst gap while detecting: %lld ms\n",
              static_cast<long long>(drop_ms), static_cast<long long>(worst_gap));
  EXPECT_LT(drop_ms, 2000);
  EXPECT_LT(worst_gap, 1000) << "the UI thread was blocked";
}

TEST(PosePanel, MissingBodyModelSaysWhatToDownloadAndHandEditingStillWorks) {
  gui_app();
  TempSettings settings;
  TempDir models;
  QSettings().setValue("models/root", qpath(models.path()));
  PosePanel panel;
  panel.show();
  ASSERT_TRUE(test::drop_files(&panel, {qpath(fixture("openpose/decode_input.png"))}));
  EXPECT_FALSE(panel.detecting());
  for (const char* part : {"body_pose_model.pth", "lllyasviel/Annotators", "openpose"})
    EXPECT_TRUE(panel.message().contains(part)) << part << " not in: " << panel.message().toStdString();
  EXPECT_TRUE(panel.message().contains(qpath(models.path()))) << panel.message().toStdString();
  panel.document()->add_person();
  EXPECT_EQ(panel.pose().people().size(), 1u);
}
