// What the demo's people write: demand titles and descriptions by category
// and season, the notes, reasons, summaries and comments along the
// lifecycle, activity notes, and the parts of synthetic names. All text is
// invented; phone numbers are made elsewhere from an obviously fake range.
//
// Thread safety: constant data and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "redledger/policy.h"

namespace redledger::demo {

// The policy's categories (DESIGN §2), in this order everywhere below.
inline constexpr int kCategoryCount = 10;
extern const char* const kCategoryNames[kCategoryCount];
// Relative frequency of each category by calendar month (Jan..Dec) in
// Harbin: heating in the heating season (Oct 20 – Apr 20), drainage in the
// summer rains and the spring thaw, snow in sanitation over winter.
extern const int kCategoryMonthWeights[kCategoryCount][12];

enum class Season : uint8_t { kAny, kWinter, kSummer };
bool InSeason(Season s, int month);  // month 1..12

// One kind of demand. {b} is replaced by the building ("12号楼3单元"), {c}
// by the compound's name, {u} (in summaries) by the handling unit.
struct DemandText {
  const char* title;
  const char* description;
  const char* summary;  // how it was resolved
  Urgency urgency;
  Season season;
};
std::span<const DemandText> TextsOf(int category);

// Replaces {b}, {c}, {u} in `tmpl`.
std::string Fill(std::string_view tmpl, std::string_view building, std::string_view compound,
                 std::string_view unit = {});

using Lines = std::span<const char* const>;
extern const Lines kAcceptNotes, kAssignNotes, kDeclineReasons, kReturnReasons, kProgressPublic,
    kProgressInternal, kUrgeResponseNotes, kUrgeResolveNotes, kExtendNotes, kCloseNotes, kSatisfiedComments,
    kBasicallyComments, kDissatisfiedComments, kMeetingTopics, kPartyDayTopics;

// Synthetic people: a surname and one or two given-name characters.
extern const Lines kSurnames, kGivenChars;

}  // namespace redledger::demo
