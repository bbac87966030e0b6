#include "demo/seeder.h"

#include <algorithm>

#include "demo/json_body.h"
#include "demo/texts.h"

namespace redledger::demo {

namespace {

constexpr int kOffset = 8 * 60;  // the city's zone, +08:00
constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kTick = 10 * kMinute;
// Demands by calendar month (more in the heating season and the summer rains).
constexpr int kMonthWeights[12] = {115, 90, 95, 85, 85, 95, 115, 110, 80, 95, 120, 135};
// Demands by local hour of the day.
constexpr int kHourWeights[24] = {1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 10, 8, 10, 12, 12, 10, 9, 9, 10, 9, 6, 3, 2};

int DayWeight(Micros day_start) { return kMonthWeights[MonthAt(day_start, kOffset).month - 1]; }

}  // namespace

CivilMonth AddMonths(CivilMonth m, int k) {
  int index = m.year * 12 + (m.month - 1) + k;
  return CivilMonth{index / 12, index % 12 + 1};
}

Seeder::Seeder(const City* city, Commander* cmd, const DemoOptions& options)
    : city_(city),
      cmd_(cmd),
      options_(options),
      lifecycle_(city, cmd, options.seed,
                 [this](Micros at, uint64_t demand, Stage stage) {
                   Push(at, Kind::kStep, demand, static_cast<uint8_t>(stage));
                 }) {
  first_day_ = MonthStart(options.start, kOffset);
  Micros last = MonthStart(AddMonths(options.start, options.months), kOffset);
  days_ = static_cast<uint64_t>((last - first_day_) / kMicrosPerDay);
  for (uint64_t d = 0; d < days_; ++d) total_weight_ += DayWeight(first_day_ + static_cast<Micros>(d) * kMicrosPerDay);
  end_ = last + 2 * kMicrosPerDay + 11 * kMicrosPerHour;  // an hour after the last notice (the 3rd, 10:00)
  next_tick_ = first_day_;
}

void Seeder::Push(Micros at, Kind kind, uint64_t ref, uint8_t arg, Micros aux) {
  queue_.push(Entry{at, seq_++, kind, arg, ref, aux});
}

Status Seeder::Run() {
  Push(first_day_, Kind::kDay, 0);
  Push(first_day_, Kind::kMonth, 0);
  if (options_.months >= 2) {
    CivilMonth from = AddMonths(options_.start, options_.months / 2);
    Push(MonthStart(from, kOffset) - 10 * kMicrosPerDay + 10 * kMicrosPerHour, Kind::kPolicy, 0);
  }
  while (!queue_.empty() && queue_.top().at <= end_) {
    Entry e = queue_.top();
    queue_.pop();
    REDLEDGER_RETURN_IF_ERROR(RunSchedulerUntil(e.at));
    cmd_->AdvanceTo(e.at);
    REDLEDGER_RETURN_IF_ERROR(Execute(e));
  }
  REDLEDGER_RETURN_IF_ERROR(RunSchedulerUntil(end_));
  cmd_->AdvanceTo(end_);
  return Status::OK();
}

// The scheduler as the server runs it, every tick of simulated time.
Status Seeder::RunSchedulerUntil(Micros t) {
  for (; next_tick_ <= t; next_tick_ += kTick) {
    cmd_->AdvanceTo(next_tick_);
    REDLEDGER_RETURN_IF_ERROR(cmd_->RunScheduler());
  }
  return Status::OK();
}

Status Seeder::Execute(const Entry& e) {
  switch (e.kind) {
    case Kind::kDay:
      PlanDay(e.ref);
      return Status::OK();
    case Kind::kMonth:
      PlanMonth(static_cast<int>(e.ref));
      return Status::OK();
    case Kind::kRaise:
      return lifecycle_.Raise(e.ref);
    case Kind::kStep:
      return lifecycle_.Step(e.ref, static_cast<Stage>(e.arg));
    case Kind::kActivity:
      return RecordActivity(e);
    case Kind::kNotice:
      return cmd_->Publish(city_->supervisor, AddMonths(options_.start, static_cast<int>(e.ref)));
    case Kind::kPolicy:
      return ChangePolicy();
  }
  return Status::Internal("demo: unknown timeline entry");
}

// The day's demands: an exact share of the total (so the run raises exactly
// `demands`), at times drawn by hour of day, numbered in time order.
void Seeder::PlanDay(uint64_t day) {
  Micros start = first_day_ + static_cast<Micros>(day) * kMicrosPerDay;
  auto share = [&](int64_t weight) {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(options_.demands) * weight / total_weight_);
  };
  uint64_t before = share(weight_so_far_);
  weight_so_far_ += DayWeight(start);
  uint64_t count = share(weight_so_far_) - before;
  Rng rng(Mix(options_.seed, 0x646179000000ULL + day));
  std::vector<Micros> times;
  times.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    Micros hour = static_cast<Micros>(rng.Weighted(kHourWeights));
    times.push_back(start + hour * kMicrosPerHour + rng.Between(0, kMicrosPerHour / kMicrosPerSecond - 1) * kMicrosPerSecond);
  }
  std::sort(times.begin(), times.end());
  for (Micros t : times) Push(t, Kind::kRaise, next_demand_++);
  if (day + 1 < days_) Push(start + kMicrosPerDay, Kind::kDay, day + 1);
}

// Each month: every site's joint meeting and theme party day, and the
// notice of the month before, published on the 3rd at 10:00.
void Seeder::PlanMonth(int index) {
  CivilMonth m = AddMonths(options_.start, index);
  Micros start = MonthStart(m, kOffset);
  if (index > 0) Push(start + 2 * kMicrosPerDay + 10 * kMicrosPerHour, Kind::kNotice, static_cast<uint64_t>(index - 1));
  if (index >= options_.months) return;
  Rng rng(Mix(options_.seed, 0x6d6f6e7468000000ULL + static_cast<uint64_t>(index)));
  for (size_t s = 0; s < city_->sites.size(); ++s) {
    Micros meeting = start + rng.Between(4, 24) * kMicrosPerDay + 14 * kMicrosPerHour + 30 * kMinute;
    Push(meeting + rng.Between(2, 20) * kMicrosPerHour, Kind::kActivity, s, 0, meeting);
    Micros party_day = start + rng.Between(0, 14) * kMicrosPerDay + 9 * kMicrosPerHour;
    Push(party_day + rng.Between(3, 30) * kMicrosPerHour, Kind::kActivity, s, 1, party_day);
  }
  Push(MonthStart(AddMonths(m, 1), kOffset), Kind::kMonth, static_cast<uint64_t>(index + 1));
}

Status Seeder::RecordActivity(const Entry& e) {
  const SitePlan& site = city_->sites[e.ref];
  Rng rng(Mix(options_.seed, e.seq));
  CivilMonth m = MonthAt(e.aux, kOffset);
  bool meeting = e.arg == 0;
  std::string note = std::to_string(m.month) + "月" +
                     (meeting ? "联席会议：社区、物业、业委会和共建单位研究" + std::string(rng.Pick(kMeetingTopics)) + "。"
                              : "主题党日：党员志愿者" + std::string(rng.Pick(kPartyDayTopics)) + "。");
  auto r = cmd_->Registry(site.community_principal, "record_activity", site.id,
                          Body()
                              .Str("kind", meeting ? "joint_meeting" : "theme_party_day")
                              .Str("held_at", FormatRfc3339(e.aux))
                              .Str("note", note)
                              .Done());
  return r.status();
}

// Mid-period, the city starts weighing on-time resolution (DESIGN §5: from
// a month on; months already scored keep their policy).
Status Seeder::ChangePolicy() {
  CivilMonth from = AddMonths(options_.start, options_.months / 2);
  return cmd_->SetPolicy(city_->admin,
                         Body()
                             .Str("effective_from", FormatMonth(from))
                             .Raw("weights", Body()
                                                 .Int("response", 10)
                                                 .Int("resolution", 40)
                                                 .Int("on_time", 10)
                                                 .Int("satisfaction", 40)
                                                 .Done())
                             .Done());
}

}  // namespace redledger::demo
