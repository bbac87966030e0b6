#include "demo/texts.h"

#include <iterator>

namespace redledger::demo {

namespace {

constexpr Urgency E = Urgency::kEmergency, U = Urgency::kUrgent, R = Urgency::kRoutine;
constexpr Season kAny = Season::kAny, kWinter = Season::kWinter, kSummer = Season::kSummer;

const DemandText kHeating[] = {
    {"{b}暖气不热", "家中室温只有十四五度，老人孩子受冻，请尽快排查{b}的供热管道。",
     "已联系{u}对{b}供热管道排气并更换故障阀门，经回访室温恢复至20℃以上。", U, kAny},
    {"{b}暖气片接口漏水", "卧室暖气片接口一直滴水，地板已经泡了，请派人维修。",
     "维修人员更换了漏水的暖气片接口并清理了积水，经试水不再渗漏。", U, kAny},
    {"{b}楼道供热主管道爆裂", "楼道供热主管道爆裂，热水漫到一楼，请立即处置。",
     "{u}连夜关阀抢修，更换爆裂管段，次日上午恢复供热。", E, kAny},
    {"{b}顶层暖气时热时不热", "顶层几户反映暖气时热时不热，怀疑管道有气堵，请排气。",
     "已对顶层管道逐户排气，并调整单元入户阀门，室温稳定。", R, kAny},
    {"{b}楼道窗户破损楼梯结冰", "楼道窗户玻璃破损，冷风灌进来，暖气片冰凉，楼梯结冰容易摔倒。",
     "已更换楼道破损玻璃，清除楼梯冰层并铺设防滑垫。", R, kAny},
    {"{b}供暖前试水漏水", "供暖前试水，{b}地下室管道多处滴漏。", "已更换锈蚀管件，复试无渗漏。", R, kAny},
};
const DemandText kLift[] = {
    {"{b}电梯困人", "电梯停在两层之间，有居民被困，请立即救援。",
     "维保人员到场救出被困居民，无人员受伤；电梯更换门锁回路元件后恢复运行。", E, kAny},
    {"{b}电梯频繁停运", "电梯一周内停运三次，高层老人上下楼困难，请维保单位彻底检修。",
     "维保单位已更换电梯门机控制板并完成安全测试，电梯恢复正常运行。", U, kAny},
    {"{b}电梯运行异响", "电梯运行时有明显异响和抖动，居民担心安全。", "已更换导靴衬并调整钢丝绳张力，异响消除。", R, kAny},
    {"{b}电梯年检标志过期", "电梯轿厢内年检合格标志已过期，请核实是否按期检验。",
     "经核实已按期检验，新合格标志已张贴并在公告栏公示。", R, kAny},
};
const DemandText kWater[] = {
    {"{b}突然停水", "早上起就没有自来水，也没有接到停水通知，请查明原因。",
     "经查为小区加压泵故障，已更换水泵并恢复供水，今后停水提前公告。", U, kAny},
    {"{b}地下室自来水管冻裂", "地下室自来水管冻裂，水流不止，请关阀维修。",
     "已关阀更换冻裂水管，并对地下室管道加装保温层。", E, kWinter},
    {"{b}高层水压低", "高层水压低，早晚用水高峰时水龙头只有细流。", "已调整二次供水设备压力，高层水压恢复正常。", R, kAny},
    {"{b}自来水发黄", "打开水龙头流出黄水，放水十几分钟才变清。", "供水单位完成管网冲洗，水质检测合格并公示报告。", R, kAny},
};
const DemandText kDrainage[] = {
    {"{b}下水道堵塞返水", "一楼卫生间地漏返水，污水漫进屋里，请尽快疏通。", "已疏通{b}排水立管，清理了一楼返水。", U, kAny},
    {"{c}主路雨后积水", "每逢下雨{c}主路积水没过脚踝，居民出行困难，请疏通雨水井。",
     "已清掏雨水井并疏通排水管线，雨后积水明显减少。", R, kSummer},
    {"{b}楼前化粪池外溢", "楼前化粪池外溢，气味难闻，请清掏。", "已清掏化粪池并消毒，疏通了出户管。", U, kAny},
    {"{b}暴雨后地下室进水", "暴雨后地下室进水，储藏室物品被泡，请抽水并排查排水管。",
     "已抽排地下室积水，封堵外墙渗水点。", U, kSummer},
    {"{b}门前雨水井盖破损", "{b}门前雨水井盖破损下陷，夜间容易绊倒行人。", "已更换井盖并设置警示标志。", R, kAny},
    {"{c}化雪积水排不出去", "开春化雪，{c}低洼处积水排不出去，出门得绕行。", "已开凿排水沟并抽排积水。", R, kAny},
};
const DemandText kParking[] = {
    {"{b}前消防通道被私家车占用", "{b}前消防通道长期停放私家车，消防车无法通行。",
     "已清理消防通道违停车辆并施划禁停标线，物业每日巡查。", U, kAny},
    {"{c}停车位不足乱停车", "晚上车辆乱停乱放，{b}门口经常堵死，请规划停车位。",
     "经业委会协商，新增划设停车位三十个，并规范了停车秩序。", R, kAny},
    {"{b}旁僵尸车长期占位", "{b}旁一辆无牌车停放一年多，请协调清理。", "已联系车主挪走长期占位车辆。", R, kAny},
    {"{b}楼道私拉电线给电动车充电", "{b}楼道内有人私拉电线给电动车充电，存在火灾隐患。",
     "已拆除私拉电线，在小区内设置集中充电点。", U, kAny},
    {"{c}希望增设充电桩", "小区没有电动汽车充电桩，希望物业协调安装。", "已协调供电所在小区停车场安装充电桩八个。", R, kAny},
};
const DemandText kSanitation[] = {
    {"{b}楼道垃圾多日未清运", "{b}楼道堆放垃圾多日无人清理，气味很大。", "已清运楼道垃圾，清运频次增加到每日两次。", R, kAny},
    {"{c}积雪结冰未清理", "{c}主干道积雪结冰，老人出行容易滑倒，请尽快清雪。",
     "组织党员志愿者和物业人员清雪除冰，并在坡道撒了防滑料。", U, kWinter},
    {"{b}旁垃圾箱满溢", "{b}旁垃圾箱满溢，周边散落垃圾，请增加清运次数。", "已增设垃圾箱两个并调整清运时间。", R, kAny},
    {"{b}楼道小广告泛滥", "{b}楼道墙面贴满小广告，请清理。", "已清理楼道小广告并粉刷墙面。", R, kAny},
    {"{b}屋檐冰溜子坠落隐患", "{b}屋檐挂着很长的冰溜子，下面是人行道，请尽快清除。", "已清除屋檐冰溜子并设置警示区。", U, kWinter},
};
const DemandText kSecurity[] = {
    {"{b}单元门禁损坏", "{b}单元门禁坏了半个月，外来人员随意进出。", "已更换单元门禁主板，门禁恢复正常。", R, kAny},
    {"{b}附近监控不工作", "{b}附近监控摄像头不亮，电动车被盗后无法查看。", "已维修监控设备并新增两处摄像头。", R, kAny},
    {"{b}楼道照明灯不亮", "{b}楼道声控灯坏了，晚上上下楼看不见。", "已更换楼道声控灯。", R, kAny},
    {"{b}多户门锁有撬动痕迹", "{b}多户门锁有撬动痕迹，居民担心安全，请加强巡逻。",
     "已协调派出所加强夜间巡逻，并为有需要的居民更换防盗锁芯。", U, kAny},
    {"{c}东侧围栏破损", "{c}东侧围栏破损，有人从缺口进出。", "已修复围栏缺口并加装照明。", R, kAny},
};
const DemandText kGreening[] = {
    {"{b}前树木遮挡采光", "{b}前的杨树长得太高，遮挡低层住户采光，请修剪。", "园林部门已对树木进行修剪。", R, kSummer},
    {"{b}旁枯树有倒伏危险", "{b}旁有一棵枯树向楼体倾斜，大风天可能倒伏。", "已移除枯树并补植新苗。", U, kAny},
    {"{b}前绿地被占用种菜", "{b}前绿地被个别居民开荒种菜，请恢复绿化。", "经入户劝导，已恢复绿地并设置提示牌。", R, kSummer},
    {"{c}杨絮严重", "每年春夏杨絮严重，希望对杨树进行治理。", "已对杨树注射抑花剂，飞絮期安排洒水降絮。", R, kAny},
    {"{c}中心绿地杂草丛生", "{c}中心绿地杂草丛生，蚊虫多，请修剪。", "已完成草坪修剪和消杀。", R, kSummer},
};
const DemandText kNoise[] = {
    {"{c}夜间广场舞噪音扰民", "{c}广场晚上九点后仍有广场舞音响，影响休息。",
     "经社区协调，广场舞团队调整了活动时间并降低音量。", R, kSummer},
    {"{b}装修施工噪音", "{b}有住户周末早上七点就开始电钻作业。", "已告知装修住户遵守装修作业时间规定。", R, kAny},
    {"{c}门口商铺外放音响", "小区门口商铺整天外放音响招揽顾客。", "城管执法中队已劝导商铺整改，不再外放音响。", R, kAny},
    {"{c}附近工地夜间施工", "{c}附近工地夜间施工，噪音很大，请核查是否有夜间施工许可。",
     "经核查该工地无夜间施工许可，已责令停止夜间施工。", U, kAny},
};
const DemandText kOther[] = {
    {"{b}楼顶防水层破损漏雨", "{b}顶层住户屋内漏雨，墙皮脱落，请维修屋面防水。",
     "已完成{b}屋面防水层维修，经雨天检验不再渗漏。", U, kAny},
    {"{b}外墙保温层脱落", "{b}外墙保温层大面积脱落，存在高空坠物隐患。",
     "已清除松动保温层并设置安全警戒，维修资金申请已提交。", U, kAny},
    {"{b}楼梯扶手松动", "{b}楼梯扶手松动，老人上下楼不安全。", "已加固楼梯扶手。", R, kAny},
    {"{c}物业费收支不公开", "希望物业公开去年物业费和公共收益的收支明细。", "物业已在公告栏和业主群公示年度收支明细。", R, kAny},
    {"{c}流浪犬追咬行人", "{c}有几条流浪犬经常追咬行人，请协调处理。", "已联系相关部门将流浪犬收容。", U, kAny},
};

template <size_t N>
std::span<const DemandText> Span(const DemandText (&a)[N]) {
  return {a, N};
}

const char* const kAccept[] = {"已立项，由网格员跟进办理。", "已立项，限期办结。", "情况属实，予以立项。"};
const char* const kAssign[] = {"请于时限内办结并反馈。", "请尽快上门查看并反馈进度。", "居民反映强烈，请优先办理。"};
const char* const kDecline[] = {
    "属于业主家中私有设施维修，不属于公共服务范围，已告知居民联系有资质的维修单位。",
    "该事项已通过12345热线转交区住建局办理，社区不重复立项。",
    "经核实，反映的问题当日已自行解决，不再立项。",
    "属于邻里民事纠纷，已引导至人民调解委员会调解。",
};
const char* const kReturn[] = {
    "该问题属于{u}维护范围，非本单位职责，申请回退重新派单。",
    "经现场查看，设施产权和维护责任在{u}，请社区改派。",
};
const char* const kProgressPub[] = {
    "维修人员已上门查看，正在准备配件。",  "已联系相关单位现场勘查，预计三日内完成。",
    "材料已到位，明天上午施工，施工期间请居民注意安全。", "已向居民说明办理进度。",
    "施工已完成过半，预计本周内完工。",
};
const char* const kProgressInt[] = {
    "维修费用需动用专项维修资金，已报业委会审核。", "与相关单位沟通，设施归属需进一步确认。",
    "施工队排期紧张，已协调加派人手。",           "居民白天不在家，已电话预约上门时间。",
};
const char* const kUrgeResponse[] = {"该诉求已超过签收时限，请社区尽快签收处理。",
                                     "居民再次来电反映，请社区立即研究是否立项。"};
const char* const kUrgeResolve[] = {"居民多次反映，请承办单位加快办理并及时反馈。",
                                    "请承办单位说明办理进度，确保按期办结。"};
const char* const kExtend[] = {"问题需协调多方，经研究同意延期办理，请于新期限前办结。",
                               "需等待配件到货，同意延期一次，逾期将通报。"};
const char* const kClose[] = {"电话回访居民表示满意，居民不使用系统评价，社区按程序办结。",
                              "入户回访，居民认可办理结果，社区办结。"};
const char* const kSatisfied[] = {"处理及时，维修师傅很负责。", "问题解决了，感谢社区和物业！", "态度好，办得快。"};
const char* const kBasically[] = {"问题基本解决，但等待时间较长。", "解决了，希望以后能提前通知。"};
const char* const kDissatisfied[] = {"问题没有根本解决，又出现同样情况。", "维修后还是老样子，请重新处理。"};
const char* const kMeeting[] = {"停车秩序整治", "冬季清雪除冰", "供热保障",   "环境卫生整治",
                                "电梯维保",     "老旧小区改造", "物业服务评议", "消防安全隐患排查"};
const char* const kPartyDay[] = {"清理楼道杂物", "为老人义务理发", "清雪除冰",   "宣讲垃圾分类",
                                 "走访困难家庭", "植树护绿",       "入户宣传防诈骗", "为居民义务维修家电"};
const char* const kSurnameList[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",
    "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "付", "方", "白", "邹",
    "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "贺", "顾", "毛",
    "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "孔", "常", "关", "隋", "岳"};
const char* const kGivenList[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
                                  "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰",
                                  "建", "国", "文", "辉", "红", "志", "海", "亮", "林", "波", "宇", "斌", "鑫",
                                  "凤", "立", "新", "春", "梅", "淑", "珍", "荣", "德", "福", "成", "东", "晨",
                                  "晓", "雪", "冰", "慧", "佳", "颖", "琳", "鹏", "飞", "博", "岩", "松"};

}  // namespace

const char* const kCategoryNames[kCategoryCount] = {"heating", "lift",     "water",    "drainage", "parking",
                                                    "sanitation", "security", "greening", "noise",    "other"};

const int kCategoryMonthWeights[kCategoryCount][12] = {
    // Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec
    {34, 28, 20, 8, 0, 0, 0, 0, 3, 22, 36, 36},       // heating
    {10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10},  // lift
    {12, 11, 8, 7, 7, 8, 9, 9, 7, 7, 9, 12},           // water
    {3, 3, 6, 12, 8, 14, 26, 22, 8, 4, 3, 3},          // drainage
    {11, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 12},  // parking
    {15, 13, 11, 9, 9, 9, 9, 9, 8, 8, 11, 15},         // sanitation (snow in winter)
    {8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8},              // security
    {1, 1, 2, 6, 12, 13, 11, 10, 7, 3, 1, 1},          // greening
    {4, 4, 5, 6, 9, 11, 11, 10, 7, 5, 4, 4},           // noise
    {6, 6, 6, 7, 7, 7, 8, 8, 6, 6, 6, 6},              // other
};

bool InSeason(Season s, int month) {
  switch (s) {
    case Season::kWinter: return month >= 11 || month <= 3;
    case Season::kSummer: return month >= 5 && month <= 9;
    case Season::kAny: return true;
  }
  return true;
}

std::span<const DemandText> TextsOf(int category) {
  static const std::span<const DemandText> kAll[kCategoryCount] = {
      Span(kHeating), Span(kLift),     Span(kWater),    Span(kDrainage), Span(kParking),
      Span(kSanitation), Span(kSecurity), Span(kGreening), Span(kNoise),    Span(kOther)};
  return kAll[category];
}

std::string Fill(std::string_view tmpl, std::string_view building, std::string_view compound, std::string_view unit) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 2 < tmpl.size() && tmpl[i + 2] == '}') {
      char k = tmpl[i + 1];
      if (k == 'b' || k == 'c' || k == 'u') {
        out += k == 'b' ? building : k == 'c' ? compound : unit;
        i += 2;
        continue;
      }
    }
    out += tmpl[i];
  }
  return out;
}

#define REDLEDGER_DEMO_LINES(name, array) const Lines name{array, std::size(array)}
REDLEDGER_DEMO_LINES(kAcceptNotes, kAccept);
REDLEDGER_DEMO_LINES(kAssignNotes, kAssign);
REDLEDGER_DEMO_LINES(kDeclineReasons, kDecline);
REDLEDGER_DEMO_LINES(kReturnReasons, kReturn);
REDLEDGER_DEMO_LINES(kProgressPublic, kProgressPub);
REDLEDGER_DEMO_LINES(kProgressInternal, kProgressInt);
REDLEDGER_DEMO_LINES(kUrgeResponseNotes, kUrgeResponse);
REDLEDGER_DEMO_LINES(kUrgeResolveNotes, kUrgeResolve);
REDLEDGER_DEMO_LINES(kExtendNotes, kExtend);
REDLEDGER_DEMO_LINES(kCloseNotes, kClose);
REDLEDGER_DEMO_LINES(kSatisfiedComments, kSatisfied);
REDLEDGER_DEMO_LINES(kBasicallyComments, kBasically);
REDLEDGER_DEMO_LINES(kDissatisfiedComments, kDissatisfied);
REDLEDGER_DEMO_LINES(kMeetingTopics, kMeeting);
REDLEDGER_DEMO_LINES(kPartyDayTopics, kPartyDay);
REDLEDGER_DEMO_LINES(kSurnames, kSurnameList);
REDLEDGER_DEMO_LINES(kGivenChars, kGivenList);
#undef REDLEDGER_DEMO_LINES

}  // namespace redledger::demo
