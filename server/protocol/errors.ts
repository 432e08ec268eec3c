/**
 * The one error catalogue. Every refusal the server gives, over HTTP or a socket ack,
 * has one of these stable codes, an HTTP status, and a clear Chinese message.
 * Tests assert codes; users read messages.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, message: '请求内容不符合要求' },
  TEXT_MALFORMED: {
    status: 422,
    message: '文字中含有不允许的字符（控制字符、方向控制符、不可见字符或损坏的编码），请删除后重试',
  },
  AUTH_REQUIRED: { status: 401, message: '请先登录' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  AUTH_RATE_LIMITED: { status: 429, message: '登录尝试过于频繁，请稍后再试' },
  AUTH_FORBIDDEN: { status: 403, message: '当前身份无权执行此操作' },
  AUTH_PASSWORD_SETUP_REQUIRED: { status: 403, message: '请先设置您自己的密码' },
  AUTH_ACCOUNT_DISABLED: { status: 403, message: '该账号已被停用，请联系管理员' },
  ACCOUNT_EXISTS: { status: 409, message: '该用户名已存在' },
  ACCOUNT_LAST_ADMIN: { status: 409, message: '不能停用自己或唯一启用的管理员账号' },
  ACCOUNT_SCOPE_INVALID: { status: 400, message: '管理员账号不分项目；其他账号须指定存在的联系项目，或全部项目' },
  AUTH_OUT_OF_SCOPE: { status: 403, message: '该联系项目不在您的授权范围内' },
  AUTH_CROSS_ORIGIN: { status: 403, message: '不接受来自其他网站的请求' },
  NOT_FOUND: { status: 404, message: '未找到请求的内容' },
  PROGRAM_NOT_FOUND: { status: 404, message: '未找到该联系项目' },
  PROGRAM_EXISTS: { status: 409, message: '该项目代码已存在' },
  PROGRAM_INVALID: { status: 422, message: '项目定义不符合要求' },
  PROGRAM_UNCHANGED: { status: 409, message: '项目内容没有变化，无需保存新版本' },
  ROSTER_EMPTY: { status: 404, message: '该项目还没有导入名册' },
  ROSTER_VERSION_NOT_FOUND: { status: 404, message: '未找到该名册版本' },
  AUDITEE_NOT_FOUND: { status: 404, message: '未找到该编号的人员' },
  ROSTER_VERSION_IMMUTABLE: { status: 409, message: '名册版本一经生成不可修改' },
  IMPORT_INVALID: { status: 422, message: '导入文件有错误，未导入任何数据' },
  IMPORT_NO_FILES: { status: 400, message: '请选择要导入的文件' },
  IMPORT_TOO_LARGE: { status: 413, message: '文件超过大小上限' },
  IMPORT_DURING_LIVE_SHOW: {
    status: 409,
    message: '电视抽查正在直播：导入名册时服务器会停顿一两秒，画面和评分也会停顿，请在直播结束后再导入',
  },
  PLAN_INVALID: { status: 422, message: '抽取方案不符合要求' },
  PLAN_UNKNOWN_STRATUM: { status: 422, message: '方案中的分层在抽取范围内没有人员' },
  PLAN_QUOTA_EXCEEDS_STRATUM: { status: 422, message: '分层名额超过该层可抽取人数' },
  PLAN_POOL_TOO_SMALL: { status: 422, message: '可抽取人数少于要抽取的人数' },
  ROSTER_VERSION_TAMPERED: { status: 409, message: '名册版本的内容与封存时的哈希不符，不能用于抽取' },
  VISIT_LOG_TAMPERED: { status: 409, message: '走访记录版本的内容与导入时的哈希不符，不能用于封存' },
  DRAW_NOT_FOUND: { status: 404, message: '未找到该抽取' },
  DRAW_OWNED_BY_EVENT: { status: 409, message: '该抽取属于抽查活动，只能在操作台按流程执行' },
  RECTIFICATION_NOT_FOUND: { status: 404, message: '未找到该整改事项' },
  RECHECK_NOTHING_OPEN: { status: 409, message: '没有需要回头看的整改事项' },
  RECHECK_NOT_AUDITED: { status: 422, message: '该人员在这次活动中没有抽查记录' },
  DRAW_ENTROPY_INVALID: { status: 422, message: '公开随机数格式不正确' },
  DRAW_ENTROPY_LOCKED: { status: 409, message: '公开随机数已锁定' },
  DRAW_ENTROPY_MISSING: { status: 409, message: '须先锁定公开随机数' },
  DRAW_ALREADY_REVEALED: { status: 409, message: '密钥已公开' },
  DRAW_SECRET_MISMATCH: { status: 409, message: '密钥与承诺值不符' },
  DRAW_NOT_REVEALED: { status: 409, message: '须先公开密钥' },
  DRAW_STAGE_EXECUTED: { status: 409, message: '该步抽取已执行，不能重抽' },
  DRAW_AUDITEES_NOT_DRAWN: { status: 409, message: '尚未抽取人员' },
  DRAW_NOT_SELECTED: { status: 409, message: '该编号不是当前抽中的对象' },
  DRAW_REASON_INVALID: { status: 422, message: '递补原因无效' },
  DRAW_REPLACEMENT_CAP: { status: 409, message: '递补次数已达方案上限' },
  DRAW_NO_ALTERNATE: { status: 409, message: '已没有可递补的候补对象' },
  DRAW_NOTARY_MISMATCH: { status: 409, message: '公证员密钥与封存时登记的承诺值不符，未被接受' },
  DRAW_NOTARY_PENDING: { status: 409, message: '须先由公证员公开其密钥，种子才能确定' },
  DRAW_NOTARY_NOT_APPLICABLE: { status: 409, message: '本次抽取没有需要公证员公开的密钥' },
  DRAW_NOTARY_COMMITMENT_MISSING: {
    status: 409,
    message: '方案要求公证员另持密钥：须先由公证员在自己的设备上生成密钥并登记承诺值，才能封存',
  },
  DRAW_ENTROPY_ROLE: { status: 403, message: '公开随机数须由监督员（公证员）在自己的控制台录入并锁定' },
  DRAW_ABANDONED: { status: 409, message: '本次抽取已作废，不能再执行任何步骤；须重新封存新的抽查' },
  EVENT_NOT_FOUND: { status: 404, message: '未找到该抽查活动' },
  OGRAF_GRAPHIC_NOT_FOUND: { status: 404, message: '没有这个 OGraf 画面' },
  EVENT_SEALED: { status: 409, message: '活动已封存，方案不能再修改' },
  EVENT_NOT_SEALED: { status: 409, message: '活动尚未封存' },
  EVENT_NOTARY_NOT_REQUIRED: { status: 409, message: '本活动的方案不设公证员密钥' },
  SHOW_STALE_REVISION: { status: 409, message: '画面已被其他操作更新，请在最新状态上重新操作' },
  SHOW_NOT_LIVE: { status: 409, message: '请先开始直播' },
  SHOW_ALREADY_OPEN: { status: 409, message: '直播已开始' },
  SHOW_CLOSED: { status: 409, message: '本场抽查已结束' },
  SHOW_WRONG_STEP: { status: 409, message: '当前步骤不能执行此操作' },
  SHOW_NO_ROUND: { status: 409, message: '本场还没有抽取人员' },
  SHOW_NO_MORE_AUDITEES: { status: 409, message: '方案规定的人员已全部抽取完毕' },
  SHOW_UNKNOWN_HOUSEHOLD: { status: 409, message: '该户不是本轮当前核实的对象' },
  SHOW_CALLS_PENDING: { status: 409, message: '还有户未完成核实' },
  SHOW_TIMER: { status: 409, message: '计时状态不允许此操作' },
  SHOW_BAD_VALUE: { status: 422, message: '取值无效' },
  SHOW_ANSWERS_MISSING: { status: 422, message: '已联系上的户须按问卷逐题记录回答' },
  SHOW_ANSWERS_MISMATCH: { status: 422, message: '回答的题数或选项与本场问卷不符' },
  SHOW_ANSWERS_NOT_EXPECTED: { status: 422, message: '本场没有问卷，或该户未联系上，不应记录问卷回答' },
  SHOW_DRAW_REFUSED: { status: 409, message: '抽取操作被拒绝' },
  SHOW_JUDGING_CLOSED: { status: 409, message: '评分未开放或已锁定' },
  SHOW_STALE_SUBMISSION: { status: 409, message: '这份评分不是针对当前正在评分的人员' },
  SHOW_SUBMISSION_OTHER_EVENT: {
    status: 409,
    message: '这份评分是在切换场次之前录入的，不计入当前场次；请在本场重新评分',
  },
  SHOW_RECUSED: { status: 409, message: '本轮回避，不参加评分' },
  SHOW_GRAPHIC_UNAVAILABLE: { status: 409, message: '这个画面现在还没有内容' },
  SHOW_NOTHING_CUED: { status: 409, message: '预览中没有画面可切出' },
  SHOW_LAYER_EMPTY: { status: 409, message: '这一层没有画面在播出' },
  SHOW_NOTHING_TO_RESTORE: { status: 409, message: '没有可恢复的画面：恢复只在清空画面之后可用' },
  SHOW_SEATS_MISSING: { status: 409, message: '有评委尚未提交评分，须确认后才能锁定' },
  JUDGE_JOIN_INVALID: { status: 401, message: '席位链接或 PIN 不正确' },
  JUDGE_JOIN_RATE_LIMITED: { status: 429, message: '该席位尝试次数过多，请 15 分钟后再试，或请工作人员协助' },
  SOCKET_RATE_LIMITED: { status: 429, message: '请求过于频繁，本次未处理；请稍候再试' },
  FANOUT_NO_FRAME: { status: 503, message: '公众观看服务暂时收不到现场画面，请稍候自动重试' },
  FANOUT_PUBLIC_ELSEWHERE: { status: 421, message: '公众观看由分发进程承担，请通过公众直播页观看' },
  REQUEST_TOO_LARGE: { status: 413, message: '请求内容过大' },
  JUDGE_SEAT_TAKEN: { status: 409, message: '该席位已在另一台设备上使用；请工作人员先释放席位' },
  CHANNEL_NOT_FOUND: { status: 404, message: '没有这个输出通道' },
  CHANNEL_KEY_INVALID: { status: 403, message: '输出通道的密钥不正确（可能已重新生成），请在通道页复制新的地址' },
  CHANNEL_LAST_PROGRAM: { status: 409, message: '至少要保留一个节目通道' },
  VENUE_SEAT_NOT_FOUND: { status: 404, message: '没有这个场地评委席位' },
  VENUE_SEAT_NOT_JOINED: { status: 409, message: '该场地席位没有平板加入' },
  CONTROL_TOKEN_INVALID: { status: 401, message: '控制面板令牌无效或已撤销；请在操作台“控制面板”页新建令牌' },
  CONTROL_TOKEN_NOT_FOUND: { status: 404, message: '未找到该控制面板令牌' },
  CONTROL_RATE_LIMITED: { status: 429, message: '控制面板请求过于频繁，本次未执行；请稍候再按' },
  CONTROL_NO_EVENT: { status: 409, message: '画面输出尚未跟随任何抽查活动；请先在操作台选择要跟随的活动' },
  CONTROL_NOT_ARMED: {
    status: 409,
    message: '不可撤销的步骤须先“预备”再在 5 秒内“确认”；本次未执行',
  },
  CONTROL_TOO_SOON: {
    status: 409,
    message: '刚刚执行过“下一步”：为防止连按或重发误执行两步，请 1.5 秒后再按；本次未执行',
  },
  CONTROL_STEP_NOT_NEXT: { status: 409, message: '这一步不是当前的下一步，未执行' },
  CONTROL_STEP_NOT_HELD: { status: 409, message: '这一步可以撤销，直接按“下一步”即可，无需预备' },
  CONTROL_SUPERVISOR_STEP: { status: 403, message: '这一步须由监督员（公证员）在自己的控制台执行，控制面板不能代替' },
  STORE_BUSY: {
    status: 503,
    message: '数据库正被其他程序占用（例如打开了数据库文件的工具），本次操作未生效；关闭该程序后重试',
  },
  STORE_FULL: { status: 507, message: '磁盘空间已满，本次操作未保存、未生效；请腾出空间后重试' },
  STORE_IO: { status: 500, message: '写入数据库时发生磁盘错误，本次操作未生效' },
  STORE_CORRUPT: { status: 500, message: '数据库内容校验失败（可能被改动或损坏），已停止处理' },
  INTERNAL: { status: 500, message: '服务器内部错误' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
/** A code that came as text (from another process): one of the catalogue's, or not. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, value);
}

/** The one error shape, over HTTP bodies and socket acks alike. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: unknown;
  };
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    'error' in value &&
    typeof (value as { error: unknown }).error === 'object'
  );
}
