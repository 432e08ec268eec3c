import { AppError } from '../errors';

/**
 * What a failed SQLite call means for the user, as a typed error: another program holding the
 * file, a full disk, an I/O error, a damaged file. The transaction was rolled back, so the
 * message can say the step did not take effect. Null: not a storage failure.
 */
export function storeFailure(error: unknown): AppError | null {
  if (error instanceof AppError) return null;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  if (!code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new AppError('STORE_BUSY');
  if (
    code === 'SQLITE_FULL' ||
    (code === 'SQLITE_IOERR_WRITE' && /space|full/iu.test(String((error as Error).message)))
  )
    return new AppError('STORE_FULL');
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new AppError('STORE_CORRUPT');
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN')
    return new AppError('STORE_IO');
  return null;
}
