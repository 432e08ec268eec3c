import { normaliseSecret } from './next-action';

/**
 * The notary's key file and printed words: what the notary keeps of the secret made in their
 * browser. Pure text in and out, so the file read back at the reveal is the file written.
 */

/** The secret as printed for the envelope: 16 groups of 4 hex digits. */
export function secretWords(secret: string): string[] {
  return secret.match(/.{4}/gu) ?? [];
}

export const ENVELOPE_INSTRUCTION = '请封存于信封，直播中公开时使用';

export interface NotaryKeyFacts {
  eventId: string;
  title: string;
  secret: string;
  commitment: string;
  /** When the secret was made (ISO). */
  createdAt: string;
}

/** The small text file the notary downloads (UTF-8). */
export function notaryKeyFile(facts: NotaryKeyFacts): string {
  return [
    `抽查公证密钥（${ENVELOPE_INSTRUCTION}）`,
    `活动编号：${facts.eventId}`,
    `活动名称：${facts.title}`,
    `生成时间：${facts.createdAt}`,
    `公证密钥：${secretWords(facts.secret).join(' ')}`,
    `承诺值（SHA-256）：${facts.commitment}`,
    '',
    `说明：${ENVELOPE_INSTRUCTION}。封存前只向系统登记承诺值，密钥本身不离开本机；`,
    '直播中服务器公开其密钥后，由公证员上传本文件或输入上面 16 组字符公开本密钥。',
    '如公证员届时无法公开，本场作废，须重新封存新的抽查；绝不改用服务器单方密钥。',
    '',
  ].join('\n');
}

/**
 * The secret read back from the key file (its 公证密钥 line), or from what was typed: 64 hex
 * digits in any grouping; null when neither holds one.
 */
export function secretFromText(text: string): string | null {
  const line = /^公证密钥[:：](.+)$/mu.exec(text);
  return normaliseSecret(line ? (line[1] ?? '') : text);
}
