import { AUDITEE_REPLACEMENT_REASONS, CONTACT_REPLACEMENT_REASONS } from '../protocol/draw';
import { GRAPHIC_LABEL, LAYER_LABEL, type Graphic, type Layer } from '../protocol/show';

const graphicLabel = (graphic: string) => GRAPHIC_LABEL[graphic as Graphic] ?? graphic;
const layerLabel = (layer: string) => LAYER_LABEL[layer as Layer] ?? layer;

/**
 * One show-log entry in words, for the console's event log and the printed 抽查记录. Reads the
 * payload as logged (scores in hundredths); unknown shapes fall back to the command's name, so
 * an old log still prints.
 */
export function describeLogEntry(type: string, payload: unknown): string {
  const p = (payload ?? {}) as Record<string, unknown>;
  const text = (key: string) => String(p[key] ?? '');
  const points = (key: string) => (typeof p[key] === 'number' ? ((p[key] as number) / 100).toFixed(2) : '?');
  const auditeeReason = (code: string) =>
    AUDITEE_REPLACEMENT_REASONS[code as keyof typeof AUDITEE_REPLACEMENT_REASONS] ?? code;
  const contactReason = (code: string) =>
    CONTACT_REPLACEMENT_REASONS[code as keyof typeof CONTACT_REPLACEMENT_REASONS] ?? code;
  switch (type) {
    case 'open':
      return '开始直播';
    case 'lockEntropy':
      return `锁定公开随机数 ${text('entropy')}`;
    case 'reveal':
      return `公开密钥 ${text('secret')}${text('notarySecret') ? `（模拟公证员密钥 ${text('notarySecret')}）` : ''}`;
    case 'revealNotary':
      return `公证员公开密钥 ${text('secret')}`;
    case 'abandon':
      return `作废本场（原因：${text('reason')}）`;
    case 'drawAuditee':
      return '摇号抽取人员';
    case 'presentAuditee':
      return '确认人员到场';
    case 'replaceAuditee':
      return `人员递补（原因：${auditeeReason(text('reason'))}）`;
    case 'startReport':
      return '开始述职计时';
    case 'pauseReport':
      return '暂停述职计时';
    case 'resumeReport':
      return '继续述职计时';
    case 'extendReport':
      return `述职延长 ${text('seconds')} 秒`;
    case 'endReport':
      return '结束述职';
    case 'drawHouseholds':
      return '抽取核实户';
    case 'setCallStatus':
      return `户 ${text('household')}：${text('callStatus')}`;
    case 'recordOutcome':
      return `户 ${text('household')}：${text('outcome')}${p.satisfaction ? `，${text('satisfaction')}` : ''}${answered(p.answers)}`;
    case 'replaceHousehold':
      return `户 ${text('household')} 递补（原因：${contactReason(text('reason'))}）`;
    case 'openJudging':
      return '开始评分';
    case 'lockJudging':
      return Array.isArray(p.without) && p.without.length > 0
        ? `锁定评分（经确认，不等 ${p.without.map((seat) => `${String(seat)} 号`).join('、')}评委）`
        : '锁定评分';
    case 'correctOutcome':
      return `${p.by === 'supervisor' ? '监督员' : '操作员'}更正户 ${text('household')}：${text('outcome')}${
        p.satisfaction ? `，${text('satisfaction')}` : ''
      }${answered(p.answers)}（原因：${text('reason')}）`;
    case 'revealScores':
      return '公布评分';
    case 'showResult':
      return '显示本轮结果';
    case 'finishRound':
      return '本轮核实完成';
    case 'close':
      return '结束直播';
    case 'submitScore':
      return `${text('seat')} 号评委提交评分`;
    case 'requestRecheck':
      return `监督员请 ${text('seat')} 号评委复核`;
    case 'correctScore':
      return `监督员更正 ${text('seat')} 号评委评分为 ${points('hundredths')}（原因：${text('reason')}）`;
    case 'cue': {
      const words = p.text === undefined ? '' : `「${text('text')}」`;
      const autoOut = p.autoOutSeconds === undefined ? '' : `（播出 ${text('autoOutSeconds')} 秒后自动撤下）`;
      return `预览：${graphicLabel(text('graphic'))}${words}${autoOut}`;
    }
    case 'take':
      return p.layer === undefined ? '切换上屏' : `切换上屏：${layerLabel(text('layer'))}`;
    case 'out':
      return `撤下：${layerLabel(text('layer'))}`;
    case 'clearAll':
      return '紧急清屏（清除所有图文）';
    case 'restore':
      return '恢复清屏前的画面';
    case 'setBug':
      return p.visible ? '显示台标角标' : '隐藏台标角标';
    default:
      return type;
  }
}

/** A finding's questionnaire answers in the log's words: the chosen option of each question, from 1. */
function answered(answers: unknown): string {
  if (!Array.isArray(answers) || answers.length === 0) return '';
  return `，问卷答案 ${answers.map((a) => (typeof a === 'number' ? String(a + 1) : '?')).join('-')}`;
}
