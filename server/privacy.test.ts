import { describe, expect, it } from 'vitest';
import { maskName, maskPhone } from './privacy';

describe('masking', () => {
  it('masks names as 张*三, 张* and 欧**明', () => {
    expect(maskName('张小三')).toBe('张*三');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳晓明')).toBe('欧**明');
    expect(maskName('王')).toBe('王');
  });

  it('masks mobiles as 138****1234 and keeps only the last four digits of others', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('0539-2251234')).toBe('*******1234');
    expect(maskPhone('')).toBe('');
  });
});
