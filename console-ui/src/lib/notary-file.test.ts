import { describe, expect, it } from 'vitest';
import { commitmentOf } from '$core/draw-engine/seed';
import { COMMAND_LABEL } from '$protocol/show';
import { nextAction, normaliseSecret } from './next-action';
import { notaryKeyFile, secretFromText, secretWords } from './notary-file';

const SECRET = '0123456789abcdef'.repeat(4);

describe('the notary’s key file and words', () => {
  it('prints 16 groups of 4, and reads the secret back from the file, not its commitment', () => {
    expect(secretWords(SECRET)).toHaveLength(16);
    expect(secretWords(SECRET)[0]).toBe('0123');
    const file = notaryKeyFile({
      eventId: 'E1',
      title: '抽查',
      secret: SECRET,
      commitment: commitmentOf(SECRET),
      createdAt: '2026-12-02T02:00:00.000Z',
    });
    expect(file).toContain('请封存于信封，直播中公开时使用');
    expect(file).toContain(commitmentOf(SECRET));
    expect(secretFromText(file)).toBe(SECRET);
  });

  it('accepts the typed words in groups, with spaces or dashes, in any case', () => {
    expect(secretFromText(secretWords(SECRET).join(' ').toUpperCase())).toBe(SECRET);
    expect(normaliseSecret(secretWords(SECRET).join('-'))).toBe(SECRET);
    expect(secretFromText(SECRET.slice(0, 60))).toBeNull();
    expect(secretFromText(`${SECRET}g`)).toBeNull();
  });

  it('offers the notary’s reveal only with a whole secret', () => {
    const main = {
      command: 'revealNotary',
      label: COMMAND_LABEL.revealNotary,
      by: 'supervisor',
      waiting: '等待公证员公开密钥',
      irreversible: true,
      hold: true,
      seatsMissing: [],
      blocked: null,
      notBefore: null,
    } as const;
    const snapshot = { outlook: { main, open: [], rundown: [], cues: [] } };
    expect(nextAction(snapshot, { entropy: '', now: 0, notarySecret: '12ab' })?.blocked).toBe(
      '请上传密钥文件或输入 64 位十六进制密钥',
    );
    expect(nextAction(snapshot, { entropy: '', now: 0, notarySecret: secretWords(SECRET).join(' ') })).toMatchObject({
      command: { type: 'revealNotary', secret: SECRET },
      by: 'supervisor',
      blocked: null,
    });
  });
});
