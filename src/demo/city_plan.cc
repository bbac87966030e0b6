// PlanCity: the shape of the demo city, drawn from the seed. Counts that the
// source report gives (sites, compounds, grids, municipal and district
// units, owner-committee and functional branches) are exact for every seed;
// the rest (which street, how many buildings, who pairs with whom) varies.
#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <tuple>

#include "demo/city.h"
#include "demo/texts.h"

namespace redledger::demo {

namespace {

struct District {
  const char* id;
  const char* name;
  int sites;
  std::vector<const char*> streets;
};

// Harbin's nine districts and streets (街道) of each; sites roughly by population.
const std::vector<District>& Districts() {
  static const std::vector<District> kDistricts = {
      {"daoli", "道里区", 16, {"兆麟街道", "新阳路街道", "尚志街道", "斯大林街道", "经纬街道", "工程街道", "通江街道",
                               "抚顺街道", "安静街道", "共乐街道", "新华街道", "城乡路街道", "群力街道", "康安街道",
                               "建国街道", "安和街道"}},
      {"nangang", "南岗区", 18, {"花园街道", "大成街道", "奋斗路街道", "曲线街道", "通达街道", "七政街道", "和兴路街道",
                                 "哈西街道", "保健路街道", "荣市街道", "燎原街道", "松花江街道", "文化街道",
                                 "先锋路街道", "新春街道", "跃进街道", "芦家街道", "革新街道"}},
      {"daowai", "道外区", 14, {"靖宇街道", "太古街道", "东莱街道", "滨江街道", "仁里街道", "南马路街道", "大有坊街道",
                                "南直路街道", "化工街道", "火车头街道", "新一街道", "三棵树街道", "崇俭街道",
                                "振江街道", "东原街道", "大兴街道", "胜利街道", "太平街道", "黎华街道"}},
      {"xiangfang", "香坊区", 14, {"香坊大街街道", "安埠街道", "通天街道", "新香坊街道", "铁东街道", "新成街道",
                                   "红旗街道", "六顺街道", "建筑街道", "哈平路街道", "大庆路街道", "进乡街道",
                                   "通乡街道", "和平路街道", "民生路街道", "文政街道", "王兆街道", "黎明街道"}},
      {"songbei", "松北区", 9, {"松北街道", "太阳岛街道", "松浦街道", "万宝街道", "利民街道"}},
      {"pingfang", "平房区", 6, {"兴建街道", "保国街道", "联盟街道", "友协街道", "新伟街道"}},
      {"hulan", "呼兰区", 8, {"兰河街道", "呼兰街道", "腰堡街道", "利业街道", "康金街道"}},
      {"acheng", "阿城区", 8, {"金城街道", "金都街道", "通城街道", "河东街道", "阿什河街道", "玉泉街道", "舍利街道"}},
      {"shuangcheng", "双城区", 7, {"承恩街道", "永和街道", "新兴街道"}},
  };
  return kDistricts;
}

const char* const kStemFirst[] = {"安", "和", "兴", "民", "康", "永", "新", "红", "阳", "文", "华", "建",
                                  "友", "丽", "锦", "福", "长", "春", "祥", "泰", "松", "江", "明", "德"};
const char* const kStemSecond[] = {"和", "平", "安", "乐", "华", "兴", "盛", "福", "康", "园",
                                   "江", "山", "源", "苑", "城", "光", "宁", "顺", "明", "通"};
const char* const kCompoundFirst[] = {"锦江", "松花", "欧洲", "群力", "金色", "阳光", "紫金", "翠湖", "香榭", "丽水",
                                      "学府", "龙湾", "嘉和", "润华", "北国", "御景", "泰和", "枫叶", "银河", "中央"};
const char* const kCompoundSuffix[] = {"小区", "家园", "花园", "嘉园", "新城", "雅居", "公寓", "名苑"};
const char* const kCompanies[] = {"龙鼎", "北辰", "鸿福", "安居", "冰城", "华鑫", "盛和", "金诚", "宏达", "福顺",
                                  "和美", "兴业", "恒泰", "嘉和", "瑞丰", "天诚", "永泰", "合力", "康桥", "松江"};
const char* const kLocalUnits[] = {"{m}社区卫生服务站", "{m}小学",          "{m}幼儿园",       "{d}供电公司{s}供电所",
                                   "{m}便民超市",       "{d}消防救援站{s}点", "{m}律师工作室",   "{d}邮政{s}支局",
                                   "{m}老年大学",       "{m}大药房"};
const char* const kMunicipal[] = {
    "市委组织部",   "市委宣传部", "市委统战部",   "市委政法委",   "市发展改革委", "市教育局", "市科技局",
    "市工信局",     "市公安局",   "市民政局",     "市司法局",     "市财政局",     "市人社局", "市自然资源局",
    "市生态环境局", "市住建局",   "市城管局",     "市交通运输局", "市水务局",     "市农业农村局", "市商务局",
    "市文广旅游局", "市卫健委",   "市退役军人局", "市应急局",     "市审计局",     "市国资委", "市市场监管局",
    "市体育局",     "市统计局",   "市医保局",     "市信访局",     "市营商环境局", "市总工会", "团市委",
    "市妇联",       "市残联"};
const char* const kBranchOrdinal[] = {"机关第一党支部", "机关第二党支部", "机关第三党支部"};
const char* const kDistrictDepts[] = {
    "组织部",   "宣传部", "政法委",   "发改局",     "教育局", "公安分局", "民政局",   "司法局", "财政局",
    "人社局",   "住建局", "城管局",   "卫健局",     "市场监管局", "应急局", "退役军人局", "文旅局", "商务局",
    "审计局",   "统计局", "信访局",   "医保局",     "总工会", "团委",     "妇联",     "残联",   "水务局",
    "农业农村局", "生态环境分局", "税务局", "机关事务中心", "营商局", "融媒体中心"};
const char* const kUtilityIds[kUtilityKinds] = {"heat", "water", "drain", "sanit", "green"};
const char* const kUtilityNames[kUtilityKinds] = {"供热服务中心", "供水服务所", "排水管理处", "环境卫生服务中心",
                                                  "园林绿化所"};

template <typename T, size_t N>
std::span<const T> S(const T (&a)[N]) {
  return {a, N};
}

std::string Num(int n, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, n);
  return buf;
}

// `total` split over `weights.size()` parts, each at least 1, in proportion
// to the weights (largest remainder). REQUIRES: total >= parts.
std::vector<int> Allocate(int total, const std::vector<int>& weights) {
  int n = static_cast<int>(weights.size());
  int64_t sum = std::accumulate(weights.begin(), weights.end(), int64_t{0});
  int rest = total - n;
  std::vector<int> out(n, 1);
  std::vector<std::pair<int64_t, int>> remainders;
  int given = 0;
  for (int i = 0; i < n; ++i) {
    int64_t share = int64_t{rest} * weights[i];
    out[i] += static_cast<int>(share / sum);
    given += static_cast<int>(share / sum);
    remainders.push_back({-(share % sum), i});
  }
  std::sort(remainders.begin(), remainders.end());
  for (int k = 0; k < rest - given; ++k) ++out[remainders[k].second];
  return out;
}

template <typename T>
void Shuffle(std::vector<T>* v, Rng& rng) {
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[rng.Below(i)]);
}

std::string Expand(std::string_view tmpl, const SitePlan& s, std::string_view stem, std::string_view street_short) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 2 < tmpl.size() && tmpl[i + 2] == '}') {
      char k = tmpl[i + 1];
      out += k == 'm' ? std::string(stem) : k == 'd' ? s.district : std::string(street_short);
      i += 2;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

std::string StreetShort(std::string_view street) {
  constexpr std::string_view kSuffix = "街道";
  if (street.ends_with(kSuffix)) street.remove_suffix(kSuffix.size());
  return std::string(street);
}

size_t AddUnit(City* c, std::string id, std::string name, const char* kind, bool handles) {
  c->units.push_back(UnitPlan{std::move(id), std::move(name), kind, {}, handles, {}});
  return c->units.size() - 1;
}

void Pair(City* c, size_t unit, size_t site) {
  auto& sites = c->units[unit].sites;
  if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
}

void PlanSites(City* c, Rng& rng) {
  std::vector<std::string> stems;
  for (const char* a : kStemFirst) {
    for (const char* b : kStemSecond) {
      if (std::string_view(a) != b) stems.push_back(std::string(a) + b);
    }
  }
  Shuffle(&stems, rng);
  static const int kModeWeights[] = {55, 30, 15};
  static const char* const kModes[] = {"separate", "joint", "stationed"};
  const auto& districts = Districts();
  for (size_t d = 0; d < districts.size(); ++d) {
    std::vector<size_t> order(districts[d].streets.size());
    std::iota(order.begin(), order.end(), 0);
    Shuffle(&order, rng);
    for (int i = 0; i < districts[d].sites; ++i) {
      SitePlan s;
      s.id = std::string(districts[d].id) + "-" + Num(i + 1, 2);
      s.district = districts[d].name;
      s.district_index = d;
      s.street_index = order[i % order.size()];
      s.street = districts[d].streets[s.street_index];
      const std::string& stem = stems[c->sites.size()];
      s.community = stem + "社区";
      s.name = s.community + "“红色物业”示范点";
      s.mode = kModes[rng.Weighted(kModeWeights)];
      c->sites.push_back(std::move(s));
    }
  }
}

void PlanCompoundsAndGrids(City* c, Rng& rng) {
  std::vector<int> w(c->sites.size());
  for (int& x : w) x = static_cast<int>(rng.Between(1, 8));
  std::vector<int> compounds = Allocate(kCompounds, w);
  for (size_t i = 0; i < w.size(); ++i) w[i] = compounds[i] * 3 + static_cast<int>(rng.Between(0, 4));
  std::vector<int> grids = Allocate(kGrids, w);
  std::vector<std::string> names;
  for (const char* a : kCompoundFirst) {
    for (const char* b : kCompoundSuffix) names.push_back(std::string(a) + b);
  }
  Shuffle(&names, rng);
  size_t next_name = 0;
  for (size_t si = 0; si < c->sites.size(); ++si) {
    SitePlan& s = c->sites[si];
    for (int k = 0; k < compounds[si]; ++k) {
      CompoundPlan cp;
      // 160 base names for 429 compounds: later rounds carry a phase number.
      size_t round = next_name / names.size();
      cp.name = names[next_name % names.size()] + (round ? std::to_string(round + 1) + "期" : "");
      ++next_name;
      cp.buildings = static_cast<int>(rng.Between(4, 32));
      cp.weight = cp.buildings;
      s.weight += cp.weight;
      s.compounds.push_back(std::move(cp));
    }
    size_t nc = s.compounds.size();
    size_t ng = static_cast<size_t>(grids[si]);
    for (size_t j = 0; j < ng; ++j) {
      GridPlan g;
      g.site = si;
      g.compound = j % nc;
      g.name = "第" + std::to_string(j + 1) + "网格（" + s.compounds[g.compound].name + "）";
      g.leader_name = PersonName(rng);
      size_t gi = c->grids.size();
      c->grids.push_back(std::move(g));
      s.grids.push_back(gi);
      if (ng >= nc) s.compounds[j % nc].grids.push_back(gi);
    }
    if (ng < nc) {
      for (size_t k = 0; k < nc; ++k) s.compounds[k].grids.push_back(s.grids[k % ng]);
    }
  }
}

void PlanSiteUnits(City* c, Rng& rng) {
  const auto& districts = Districts();
  // District utilities and street units, shared by the sites they serve.
  std::vector<std::vector<size_t>> utilities(districts.size());
  std::map<std::pair<size_t, size_t>, std::pair<size_t, size_t>> street_units;
  for (size_t si = 0; si < c->sites.size(); ++si) {
    SitePlan& s = c->sites[si];
    const District& d = districts[s.district_index];
    if (utilities[s.district_index].empty()) {
      for (int k = 0; k < kUtilityKinds; ++k) {
        utilities[s.district_index].push_back(AddUnit(c, std::string(kUtilityIds[k]) + "-" + d.id,
                                                      s.district + kUtilityNames[k], "co_building_unit", true));
      }
    }
    for (int k = 0; k < kUtilityKinds; ++k) {
      s.utilities[k] = utilities[s.district_index][k];
      Pair(c, s.utilities[k], si);
    }
    std::string street_short = StreetShort(s.street);
    auto key = std::make_pair(s.district_index, s.street_index);
    if (!street_units.count(key)) {
      std::string suffix = std::string(d.id) + "-" + Num(static_cast<int>(s.street_index) + 1, 2);
      size_t police = AddUnit(c, "police-" + suffix, street_short + "派出所", "co_building_unit", true);
      size_t urban = AddUnit(c, "urban-" + suffix, street_short + "城管执法中队", "co_building_unit", true);
      street_units[key] = {police, urban};
    }
    std::tie(s.police, s.urban) = street_units[key];
    Pair(c, s.police, si);
    Pair(c, s.urban, si);

    int branches = s.mode == "joint" ? static_cast<int>(rng.Between(2, 3)) : 1;
    std::string stem = s.community.substr(0, s.community.size() - std::string_view("社区").size());
    for (int k = 0; k < branches; ++k) {
      std::string name = s.mode == "stationed"
                             ? street_short + "街道派驻" + s.compounds[0].name + "物业党支部"
                             : std::string("哈尔滨") + kCompanies[rng.Below(std::size(kCompanies))] +
                                   "物业服务有限公司" + stem + "项目" + (branches > 1 ? std::to_string(k + 1) : "") +
                                   "党支部";
      size_t u = AddUnit(c, "pb-" + s.id + "-" + std::to_string(k + 1), name, "property_branch", true);
      Pair(c, u, si);
      s.property_branches.push_back(u);
    }
    for (size_t k = 0; k < s.compounds.size(); ++k) s.compounds[k].branch = s.property_branches[k % branches];

    std::vector<size_t> local(std::size(kLocalUnits));
    std::iota(local.begin(), local.end(), 0);
    Shuffle(&local, rng);
    for (int k = 0; k < 4; ++k) {
      size_t u = AddUnit(c, "cb-" + s.id + "-" + std::to_string(k + 1),
                         Expand(kLocalUnits[local[k]], s, stem, street_short), "co_building_unit", false);
      Pair(c, u, si);
      s.local_units.push_back(u);
    }
  }
  std::vector<size_t> order(c->sites.size());
  std::iota(order.begin(), order.end(), 0);
  Shuffle(&order, rng);
  for (int k = 0; k < kOwnerCommittees; ++k) {
    SitePlan& s = c->sites[order[k]];
    size_t u = AddUnit(c, "oc-" + s.id, s.compounds[0].name + "业主委员会党支部", "owner_committee", true);
    Pair(c, u, order[k]);
    s.owner_committee = u;
  }
  Shuffle(&order, rng);
  for (int k = 0; k < kFunctionalBranches; ++k) {
    SitePlan& s = c->sites[order[k]];
    size_t u = AddUnit(c, "fb-" + s.id, s.community + "物业管理功能型党支部", "functional_branch", true);
    Pair(c, u, order[k]);
    s.functional_branch = u;
  }
}

// Paired units (包保): 109 municipal units over all 100 sites, 298 district
// units over their district's sites.
void PlanPairedUnits(City* c, Rng& rng) {
  std::vector<size_t> order(c->sites.size());
  std::iota(order.begin(), order.end(), 0);
  Shuffle(&order, rng);
  for (int k = 0; k < kMunicipalUnits; ++k) {
    std::string name = std::string(kMunicipal[k % std::size(kMunicipal)]) +
                       kBranchOrdinal[k / std::size(kMunicipal)];
    size_t u = AddUnit(c, "mu-" + Num(k + 1, 3), name, "municipal_unit", false);
    Pair(c, u, k < kSites ? order[k] : rng.Below(c->sites.size()));
  }
  const auto& districts = Districts();
  std::vector<int> weights;
  for (const auto& d : districts) weights.push_back(d.sites);
  std::vector<int> per_district = Allocate(kDistrictUnits, weights);
  static const int kPairCounts[] = {25, 35, 40};  // 1, 2 or 3 sites each
  for (size_t d = 0; d < districts.size(); ++d) {
    std::vector<size_t> sites;
    for (size_t si = 0; si < c->sites.size(); ++si) {
      if (c->sites[si].district_index == d) sites.push_back(si);
    }
    for (int k = 0; k < per_district[d]; ++k) {
      size_t dept = static_cast<size_t>(k) % std::size(kDistrictDepts);
      std::string name = std::string(districts[d].name) + kDistrictDepts[dept] +
                         (static_cast<size_t>(k) < std::size(kDistrictDepts) ? "机关党支部" : "第二党支部");
      size_t u = AddUnit(c, "du-" + std::string(districts[d].id) + "-" + Num(k + 1, 2), name, "district_unit", false);
      Shuffle(&sites, rng);
      size_t n = std::min(sites.size(), rng.Weighted(kPairCounts) + 1);
      for (size_t j = 0; j < n; ++j) Pair(c, u, sites[j]);
    }
  }
}

void PlanResidents(City* c, Rng& rng) {
  for (size_t si = 0; si < c->sites.size(); ++si) {
    SitePlan& s = c->sites[si];
    for (int k = 0; k < kResidentsPerSite; ++k) {
      ResidentPlan r;
      r.site = si;
      r.compound = rng.Below(s.compounds.size());
      r.building = std::to_string(rng.Between(1, s.compounds[r.compound].buildings)) + "号楼" +
                   std::to_string(rng.Between(1, 6)) + "单元";
      r.name = PersonName(rng);
      r.phone = "139 0000 " + Num(static_cast<int>(c->residents.size()) + 1, 4);
      s.residents.push_back(c->residents.size());
      c->residents.push_back(std::move(r));
    }
  }
}

}  // namespace

std::string PersonName(Rng& rng) {
  std::string name = rng.Pick(kSurnames);
  int given = rng.Chance(700) ? 2 : 1;
  for (int i = 0; i < given; ++i) name += rng.Pick(kGivenChars);
  return name;
}

std::string ReporterName(uint64_t seed, size_t grid, int k) {
  Rng rng(Mix(Mix(seed, 0x7265706f72746572ULL), grid * kReportersPerGrid + static_cast<size_t>(k)));
  return PersonName(rng);
}

std::string ReporterPhone(size_t grid, int k) {
  size_t idx = grid * kReportersPerGrid + static_cast<size_t>(k);
  return "13" + std::to_string(5 + idx / 10000) + " 0000 " + Num(static_cast<int>(idx % 10000), 4);
}

City PlanCity(uint64_t seed) {
  Rng rng(Mix(seed, 0x63697479));
  City c;
  c.seed = seed;
  PlanSites(&c, rng);
  PlanCompoundsAndGrids(&c, rng);
  PlanSiteUnits(&c, rng);
  PlanPairedUnits(&c, rng);
  PlanResidents(&c, rng);
  return c;
}

}  // namespace redledger::demo
