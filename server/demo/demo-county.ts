import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { csvLine, UTF8_BOM } from '../registry/export/csv-writer';

/**
 * The demo county (示范县), generated deterministically from a fixed seed: 18 乡镇/街道,
 * about 60 工作片 and 600 村, 10,000 cadres with 20–40 households each, plus a small
 * 教师联系家长 program. Names follow common-surname frequencies; every phone number starts
 * with the unassigned 100 prefix, so none can reach a real person.
 */
export interface DemoCountyOptions {
  cadres?: number;
  teachers?: number;
  seedLabel?: string;
}

export interface DemoCountyFiles {
  grid: Buffer;
  cadres: Buffer;
  households: Buffer;
  teachers: Buffer;
  parents: Buffer;
  counts: {
    towns: number;
    areas: number;
    villages: number;
    cadres: number;
    households: number;
    teachers: number;
    parents: number;
  };
}

const TOWNS = [
  '城关街道',
  '龙泉街道',
  '东城街道',
  '沂河街道',
  '许家湖镇',
  '黄山铺镇',
  '崔家峪镇',
  '高庄镇',
  '四十里堡镇',
  '夏蔚镇',
  '杨庄镇',
  '诸葛镇',
  '马站镇',
  '泉庄镇',
  '院东头镇',
  '富官庄镇',
  '圈里乡',
  '沙沟镇',
];
const AREA_NAMES = ['东片', '西片', '南片', '北片', '中片'];
const VILLAGE_FIRST = Array.from('东西南北前后上下大小石岭河泉柳杨桃杏李王张刘赵孙马高沙青龙凤长新安兴和平');
const VILLAGE_SECOND = Array.from('家庄岭峪沟河湖桥店屯营坡洼岗台头官旺山');
const VILLAGE_SUFFIX = ['村', '村', '庄村', '峪村', '社区'];

/** Common surnames with their approximate shares (per mille), Shandong-weighted. */
const SURNAMES: [string, number][] = [
  ['王', 90],
  ['张', 85],
  ['李', 80],
  ['刘', 70],
  ['陈', 30],
  ['杨', 30],
  ['赵', 25],
  ['孙', 25],
  ['徐', 20],
  ['高', 20],
  ['马', 18],
  ['朱', 15],
  ['胡', 12],
  ['郭', 14],
  ['何', 8],
  ['吴', 15],
  ['周', 15],
  ['黄', 12],
  ['林', 8],
  ['罗', 6],
  ['郑', 9],
  ['梁', 7],
  ['宋', 12],
  ['唐', 7],
  ['许', 9],
  ['韩', 10],
  ['冯', 8],
  ['邓', 5],
  ['曹', 9],
  ['彭', 5],
  ['田', 9],
  ['董', 10],
  ['袁', 5],
  ['潘', 5],
  ['于', 12],
  ['蒋', 4],
  ['蔡', 4],
  ['魏', 8],
  ['薛', 6],
  ['颜', 3],
  ['庞', 3],
  ['诸葛', 1],
  ['欧阳', 1],
];
const GIVEN_CHARS = Array.from(
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建国志海燕德春梅文金凤立新永庆振淑珍云峰亮辉鹏飞雪琴慧颖宁',
);
const UNITS: [string, string][] = [
  ['县委办公室', '党政机关'],
  ['县政府办公室', '党政机关'],
  ['县委组织部', '党政机关'],
  ['县委宣传部', '党政机关'],
  ['县纪委监委', '党政机关'],
  ['县发展和改革局', '经济管理'],
  ['县财政局', '经济管理'],
  ['县税务局', '经济管理'],
  ['县教育和体育局', '教育'],
  ['县卫生健康局', '卫生健康'],
  ['县人民医院', '卫生健康'],
  ['县农业农村局', '农业农村'],
  ['县水利局', '农业农村'],
  ['县自然资源局', '自然资源'],
  ['县住房和城乡建设局', '城乡建设'],
  ['县交通运输局', '交通运输'],
  ['县市场监督管理局', '市场监管'],
  ['县公安局', '政法'],
  ['县人民法院', '政法'],
  ['县司法局', '政法'],
  ['县民政局', '社会事务'],
  ['县人力资源和社会保障局', '社会事务'],
  ['县退役军人事务局', '社会事务'],
  ['县供电公司', '公用事业'],
  ['县农村商业银行', '金融'],
  ['县应急管理局', '应急管理'],
  ['县文化和旅游局', '文化旅游'],
  ['县商务局', '经济管理'],
];
const POSTS = [
  '科员',
  '科员',
  '科员',
  '副科长',
  '科长',
  '四级主任科员',
  '三级主任科员',
  '二级主任科员',
  '副主任',
  '主任',
  '副局长',
  '站长',
];
const SCHOOLS = [
  '县第一中学',
  '县第二中学',
  '县实验中学',
  '县第三实验小学',
  '县第一实验小学',
  '龙泉中学',
  '许家湖中学',
  '高庄小学',
  '夏蔚中学',
  '杨庄小学',
];

class Generator {
  private readonly next: () => number;
  private readonly surnameTotal: number;

  constructor(seedLabel: string) {
    // seedrandom only ever gets an ASCII hex digest (it folds characters with & 0xFF).
    this.next = seedrandom(createHash('sha256').update(seedLabel).digest('hex'));
    this.surnameTotal = SURNAMES.reduce((sum, [, w]) => sum + w, 0);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  next01(): number {
    return this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  char(chars: readonly string[]): string {
    return chars[Math.floor(this.next() * chars.length)] as string;
  }

  surname(): string {
    let r = this.next() * this.surnameTotal;
    for (const [name, weight] of SURNAMES) {
      r -= weight;
      if (r < 0) return name;
    }
    return '王';
  }

  personName(): string {
    const given = this.chance(0.35) ? this.char(GIVEN_CHARS) : this.char(GIVEN_CHARS) + this.char(GIVEN_CHARS);
    return this.surname() + given;
  }

  /** 100 is an unassigned prefix: these numbers reach nobody. */
  phone(): string {
    return `100${String(this.int(0, 99_999_999)).padStart(8, '0')}`;
  }

  gender(): string {
    return this.chance(0.55) ? '男' : '女';
  }
}

interface Village {
  town: string;
  area: string;
  name: string;
}

export function generateDemoCounty(options: DemoCountyOptions = {}): DemoCountyFiles {
  const cadreCount = options.cadres ?? 10_000;
  const teacherCount = options.teachers ?? 200;
  const g = new Generator(options.seedLabel ?? 'choucha-demo-county-v1');

  let grid = UTF8_BOM + csvLine(['乡镇', '工作片', '村', '负责人', '负责人职务']);
  const villages: Village[] = [];
  const usedVillageNames = new Set<string>();
  let areaCount = 0;
  for (const town of TOWNS) {
    grid += csvLine([
      town,
      '',
      '',
      g.personName(),
      g.pick(['副县长', '县委常委', '县人大常委会副主任', '县政协副主席']),
    ]);
    const areas = g.int(3, 4);
    for (let a = 0; a < areas; a += 1) {
      const area = AREA_NAMES[a] as string;
      areaCount += 1;
      grid += csvLine([town, area, '', g.personName(), g.pick(['党委副书记', '副镇长', '人大主席', '党委委员'])]);
      const villageTotal = g.int(8, 12);
      for (let v = 0; v < villageTotal; v += 1) {
        let name: string;
        do {
          const suffix = town.endsWith('街道') ? '社区' : g.pick(VILLAGE_SUFFIX);
          name = g.char(VILLAGE_FIRST) + g.char(VILLAGE_SECOND) + suffix;
        } while (usedVillageNames.has(`${town}${name}`));
        usedVillageNames.add(`${town}${name}`);
        villages.push({ town, area, name });
        grid += csvLine([town, area, name, g.personName(), g.pick(['副科级干部', '四级调研员', '驻村第一书记'])]);
      }
    }
  }

  let cadres =
    UTF8_BOM + csvLine(['干部编号', '姓名', '性别', '单位', '行业', '职务', '乡镇', '工作片', '村', '手机号', '状态']);
  let households =
    UTF8_BOM + csvLine(['户编号', '户主姓名', '乡镇', '工作片', '村', '手机号', '联系干部编号', '同意上镜']);
  let householdCount = 0;
  for (let i = 1; i <= cadreCount; i += 1) {
    const number = String(i).padStart(5, '0');
    const village = villages[(i - 1) % villages.length] as Village;
    const [unit, industry] = g.chance(0.3) ? [`${village.town}人民政府`, '乡镇'] : g.pick(UNITS);
    const roll = g.next01();
    const status = roll < 0.012 ? '请假' : roll < 0.02 ? '出差' : roll < 0.023 ? '离岗' : '在岗';
    cadres += csvLine([
      number,
      g.personName(),
      g.gender(),
      unit,
      industry,
      g.pick(POSTS),
      village.town,
      village.area,
      village.name,
      g.phone(),
      status,
    ]);
    const count = g.int(20, 40);
    for (let h = 0; h < count; h += 1) {
      householdCount += 1;
      const consentRoll = g.next01();
      households += csvLine([
        String(householdCount).padStart(7, '0'),
        g.personName(),
        village.town,
        village.area,
        village.name,
        g.chance(0.03) ? '' : g.phone(),
        number,
        consentRoll < 0.9 ? '同意' : consentRoll < 0.95 ? '不同意' : '未知',
      ]);
    }
  }

  let teachers =
    UTF8_BOM + csvLine(['教师编号', '姓名', '性别', '学校', '行业', '职务', '乡镇', '工作片', '村', '手机号', '状态']);
  let parents =
    UTF8_BOM + csvLine(['家长编号', '家长姓名', '乡镇', '工作片', '村', '手机号', '联系教师编号', '同意上镜']);
  let parentCount = 0;
  for (let i = 1; i <= teacherCount; i += 1) {
    const number = `T${String(i).padStart(4, '0')}`;
    const village = g.pick(villages);
    teachers += csvLine([
      number,
      g.personName(),
      g.gender(),
      g.pick(SCHOOLS),
      '教育',
      g.pick(['班主任', '任课教师', '年级主任']),
      village.town,
      village.area,
      village.name,
      g.phone(),
      '在岗',
    ]);
    const count = g.int(20, 40);
    for (let p = 0; p < count; p += 1) {
      parentCount += 1;
      const home = g.chance(0.7) ? village : g.pick(villages);
      parents += csvLine([
        `P${String(parentCount).padStart(6, '0')}`,
        g.personName(),
        home.town,
        home.area,
        home.name,
        g.phone(),
        number,
        g.chance(0.9) ? '同意' : '未知',
      ]);
    }
  }

  return {
    grid: Buffer.from(grid, 'utf8'),
    cadres: Buffer.from(cadres, 'utf8'),
    households: Buffer.from(households, 'utf8'),
    teachers: Buffer.from(teachers, 'utf8'),
    parents: Buffer.from(parents, 'utf8'),
    counts: {
      towns: TOWNS.length,
      areas: areaCount,
      villages: villages.length,
      cadres: cadreCount,
      households: householdCount,
      teachers: teacherCount,
      parents: parentCount,
    },
  };
}

/** What a demo visit (走访) covered. */
const VISIT_TOPICS = [
  '了解家庭生产生活情况',
  '宣讲惠民政策',
  '走访慰问',
  '了解春耕备耕情况',
  '防汛安全提醒',
  '冬季取暖安全检查',
  '宣传医保参保政策',
  '了解务工就业情况',
];

/** A demo need (诉求) and what the cadre records, by where it stands. */
const NEEDS: { asked: string; done: Record<'已解决' | '办理中' | '未解决', string> }[] = [
  {
    asked: '村口路灯不亮',
    done: { 已解决: '联系供电所更换灯具', 办理中: '已报村委会，等待维修', 未解决: '已反映，尚无答复' },
  },
  {
    asked: '申请低保',
    done: { 已解决: '协助提交材料，已审批', 办理中: '材料已报乡镇民政办', 未解决: '不符合条件，已解释政策' },
  },
  {
    asked: '房屋漏雨需要修缮',
    done: { 已解决: '协调危房改造资金修缮', 办理中: '已列入改造计划', 未解决: '已登记，资金未落实' },
  },
  {
    asked: '孩子入学需开具证明',
    done: { 已解决: '协调社区开具居住证明', 办理中: '已与学校沟通', 未解决: '已告知办理流程' },
  },
  {
    asked: '生产路坑洼难走',
    done: { 已解决: '组织群众平整路面', 办理中: '已申报道路硬化项目', 未解决: '已上报，排期未定' },
  },
  {
    asked: '医保报销不清楚',
    done: { 已解决: '讲解报销流程并代办', 办理中: '已联系医保站核实', 未解决: '已登记，待答复' },
  },
  {
    asked: '自来水水压不足',
    done: { 已解决: '联系水厂检修管道', 办理中: '水厂已派人查看', 未解决: '已反映，尚未处理' },
  },
  {
    asked: '希望提供就业岗位信息',
    done: { 已解决: '推荐到县工业园区就业', 办理中: '已登记求职意向', 未解决: '暂无合适岗位' },
  },
];

/**
 * The demo's visit log (走访记录) for the cadre program: about a third of the households visited
 * once or twice, one in ten with a need, dated over the 300 days before `until` (never after it, so the
 * import accepts it on any date). Generated from its own seed: the roster files stay byte for byte.
 */
export function generateDemoVisits(households: number, until: string, seedLabel = 'choucha-demo-visits-v1'): Buffer {
  const g = new Generator(seedLabel);
  const end = Date.parse(`${until}T00:00:00Z`);
  const day = (back: number) => new Date(end - back * 86_400_000).toISOString().slice(0, 10);
  let text = UTF8_BOM + csvLine(['户编号', '日期', '类别', '诉求内容', '办理情况', '办理状态']);
  for (let h = 1; h <= households; h += 1) {
    const number = String(h).padStart(7, '0');
    const roll = g.next01();
    const visits = roll < 0.65 ? 0 : roll < 0.97 ? 1 : 2;
    for (let v = 0; v < visits; v += 1)
      text += csvLine([number, day(g.int(1, 300)), '走访', g.pick(VISIT_TOPICS), '', '']);
    if (g.chance(0.1)) {
      const need = g.pick(NEEDS);
      const statusRoll = g.next01();
      const status = statusRoll < 0.65 ? '已解决' : statusRoll < 0.85 ? '办理中' : '未解决';
      text += csvLine([number, day(g.int(1, 300)), '诉求', need.asked, need.done[status], status]);
    }
  }
  return Buffer.from(text, 'utf8');
}
