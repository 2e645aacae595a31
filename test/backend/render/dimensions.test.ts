import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS } from '../../../shared/index';
import { outputSize } from '../../../backend/src/render/dimensions';

describe('outputSize', () => {
  it('gives the long side 1024 px and the rounded short side for every ratio', () => {
    const expected: Record<string, [number, number]> = {
      '1:1': [1024, 1024],
      '2:3': [683, 1024],
      '3:2': [1024, 683],
      '3:4': [768, 1024],
      '4:3': [1024, 768],
      '4:5': [819, 1024],
      '5:4': [1024, 819],
      '9:16': [576, 1024],
      '16:9': [1024, 576],
      '21:9': [1024, 439],
    };
    expect(Object.keys(expected).sort()).toEqual([...ASPECT_RATIOS].sort());
    for (const ratio of ASPECT_RATIOS) {
      const { width, height } = outputSize(ratio);
      expect([width, height], ratio).toEqual(expected[ratio]);
    }
  });

  it('scales to another long side', () => {
    expect(outputSize('16:9', 2048)).toEqual({ width: 2048, height: 1152 });
    expect(outputSize('9:16', 512)).toEqual({ width: 288, height: 512 });
  });
});
