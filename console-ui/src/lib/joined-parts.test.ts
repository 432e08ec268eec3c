import { describe, expect, it } from 'vitest';
import { joinedParts } from './joined-parts';

describe('a person’s unit, post and place on one line', () => {
  it('leaves out an empty post instead of printing a doubled or dangling separator', () => {
    expect(joinedParts('县人民医院', '', '城关街道 / 东片 / 刘沟社区')).toBe('县人民医院 · 城关街道 / 东片 / 刘沟社区');
    expect(joinedParts('县人民医院', '')).toBe('县人民医院');
    expect(joinedParts('县财政局', '科员')).toBe('县财政局 · 科员');
  });
});
