/** Sets an account's password on this machine (the recovery path): npm run set-password -- USERNAME NEW_PASSWORD [--db FILE] */
import { join } from 'node:path';
import { openDatabase } from '../server/store/db';
import { AuthService } from '../server/auth/auth-service';
import { AccountService } from '../server/auth/account-service';
import { systemClock, systemRandom } from '../server/runtime';
import { REPO_ROOT } from '../server/app';

const args = process.argv.slice(2);
const dbIndex = args.indexOf('--db');
const dbPath =
  dbIndex >= 0
    ? (args.splice(dbIndex, 2)[1] as string)
    : (process.env.CHOUCHA_DB ?? join(REPO_ROOT, 'data', 'choucha.db'));
const [username, password] = args;
if (!username || !password || password.length < 8) {
  console.error('用法：npm run set-password -- 用户名（如 admin、operator、supervisor） 新密码（至少 8 位）');
  process.exit(2);
}
const db = openDatabase(dbPath);
try {
  const auth = new AuthService(db, systemClock, systemRandom);
  await auth.setPassword(username, password);
  new AccountService(db, auth, systemClock, systemRandom).log('npm run set-password', 'reset-password', username);
  console.log(`已重设 ${username} 的密码，原有登录会话已失效。`);
} catch {
  console.error(`没有用户 ${username}`);
  process.exitCode = 1;
} finally {
  db.close();
}
