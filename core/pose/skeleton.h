// The OpenPose skeleton: COCO-18 body limbs, their PAF channels and drawing colours; the hand's bones.
#pragma once

#include <array>

namespace poseforge::pose {

constexpr int kBodyKeypoints = 18;
constexpr int kHandKeypoints = 21;
constexpr int kFaceKeypoints = 70;

// Keypoint names in OpenPose's COCO-18 order (index = position in a person's body array).
constexpr std::array<const char*, kBodyKeypoints> kBodyKeypointNames = {
    "nose",       "neck",       "right_shoulder", "right_elbow", "right_wrist", "left_shoulder",
    "left_elbow", "left_wrist", "right_hip",      "right_knee",  "right_ankle", "left_hip",
    "left_knee",  "left_ankle", "right_eye",      "left_eye",    "right_ear",   "left_ear"};

struct Limb {
  int a, b;  // keypoint indices (0-based)
};

// The 19 limbs the decoder connects, in the reference's order; the first 17 are drawn.
constexpr int kDecodedLimbs = 19;
constexpr int kDrawnLimbs = 17;
constexpr std::array<Limb, kDecodedLimbs> kLimbs = {{{1, 2},
                                                     {1, 5},
                                                     {2, 3},
                                                     {3, 4},
                                                     {5, 6},
                                                     {6, 7},
                                                     {1, 8},
                                                     {8, 9},
                                                     {9, 10},
                                                     {1, 11},
                                                     {11, 12},
                                                     {12, 13},
                                                     {1, 0},
                                                     {0, 14},
                                                     {14, 16},
                                                     {0, 15},
                                                     {15, 17},
                                                     {2, 16},
                                                     {5, 17}}};

// PAF channels (x, y) of each limb in the 38-channel PAF output (the reference's mapIdx - 19).
constexpr std::array<std::array<int, 2>, kDecodedLimbs> kLimbPaf = {{{12, 13},
                                                                     {20, 21},
                                                                     {14, 15},
                                                                     {16, 17},
                                                                     {22, 23},
                                                                     {24, 25},
                                                                     {0, 1},
                                                                     {2, 3},
                                                                     {4, 5},
                                                                     {6, 7},
                                                                     {8, 9},
                                                                     {10, 11},
                                                                     {28, 29},
                                                                     {30, 31},
                                                                     {34, 35},
                                                                     {32, 33},
                                                                     {36, 37},
                                                                     {18, 19},
                                                                     {26, 27}}};

// The 20 hand bones (keypoint pairs of the 21-point OpenPose hand), in controlnet_aux's drawing order.
constexpr int kHandBones = 20;
constexpr std::array<Limb, kHandBones> kHandEdges = {
    {{0, 1},   {1, 2},   {2, 3},  {3, 4},   {0, 5},   {5, 6},   {6, 7},  {7, 8},   {0, 9},   {9, 10},
     {10, 11}, {11, 12}, {0, 13}, {13, 14}, {14, 15}, {15, 16}, {0, 17}, {17, 18}, {18, 19}, {19, 20}}};

// OpenPose colours (RGB), one per limb and per keypoint.
constexpr std::array<std::array<int, 3>, kBodyKeypoints> kColors = {{{255, 0, 0},
                                                                     {255, 85, 0},
                                                                     {255, 170, 0},
                                                                     {255, 255, 0},
                                                                     {170, 255, 0},
                                                                     {85, 255, 0},
                                                                     {0, 255, 0},
                                                                     {0, 255, 85},
                                                                     {0, 255, 170},
                                                                     {0, 255, 255},
                                                                     {0, 170, 255},
                                                                     {0, 85, 255},
                                                                     {0, 0, 255},
                                                                     {85, 0, 255},
                                                                     {170, 0, 255},
                                                                     {255, 0, 255},
                                                                     {255, 0, 170},
                                                                     {255, 0, 85}}};

}  // namespace poseforge::pose
