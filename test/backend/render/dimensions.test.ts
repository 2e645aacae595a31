import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS } from '../../../shared/index';
import { outputSize } from '../../../backend/src/render/dimensions';

describe('outputSize', () => {
  it('gives the long side 1080 px and the rounded short side for every ratio', () => {
    const expected: Record<string, [number, number]> = {
      '1:1': [1080, 1080],
      '2:3': [720, 1080],
      '3:2': [1080, 720],
      '3:4': [810, 1080],
      '4:3': [1080, 810],
      '4:5': [864, 1080],
      '5:4': [1080, 864],
      '9:16': [608, 1080],
      '16:9': [1080, 608],
      '21:9': [1080, 463],
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
