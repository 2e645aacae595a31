import multer from 'multer';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../backend/src/core/app-error';
import { MAX_INVALID_FIELDS, toAppError, toProblem } from '../../../backend/src/http/problem';
import { MAX_UPLOAD_BYTES } from '../../../shared/index';

const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ field: `rows[${i}].rowId`, message: 'bad' }));

describe('problem rendering', () => {
  it('lists at most 200 invalid fields, the first ones, whoever raised them', () => {
    expect(MAX_INVALID_FIELDS).toBe(200);
    const p = toProblem(new AppError('invalid_request', '300 row(s) repeat a Row ID', { invalidFields: fields(300) }));
    expect(p.invalidFields).toHaveLength(200);
    expect(p.invalidFields![0]!.field).toBe('rows[0].rowId');
    expect(p.invalidFields![199]!.field).toBe('rows[199].rowId');
    expect(p.detail).toBe('300 row(s) repeat a Row ID');
  });

  it('keeps a short list whole and adds none when there is none', () => {
    expect(toProblem(new AppError('invalid_request', 'x', { invalidFields: fields(3) })).invalidFields).toEqual(fields(3));
    expect(toProblem(new AppError('not_found', 'Batch b_x')).invalidFields).toBeUndefined();
  });

  it('names the upload size limit from MAX_UPLOAD_BYTES', () => {
    const err = toAppError(new multer.MulterError('LIMIT_FILE_SIZE', 'images'));
    expect(err.code).toBe('payload_too_large');
    expect(err.detail).toBe(`images: a file may be at most ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB`);
    // What the README promises.
    expect(err.detail).toBe('images: a file may be at most 10 MB');
    expect(err.extra.invalidFields).toEqual([{ field: 'images', message: 'larger than 10 MB' }]);
  });
});
