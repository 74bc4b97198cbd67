// Local stand-in for KMS envelope encryption of SecureString values: AES-256-GCM (authenticated)
// under a master key that is created on first start beside the data file with owner-only
// permissions (0600). The blob clients see without decryption is the base64 ciphertext, as with KMS;
// the plaintext never reaches the data file.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';

const MAGIC = Buffer.from('ssml1');

export class Secrets {
  private constructor(private readonly masterKey: Buffer) {}

  /** keyFile undefined keeps the master key in memory only (for SSM_LOCAL_DATA=:memory:). */
  static open(keyFile: string | undefined): Secrets {
    if (!keyFile) return new Secrets(randomBytes(32));
    if (existsSync(keyFile)) {
      const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
      if (key.length !== 32) throw new Error(`ssm-local: master key file ${keyFile} is not a 256-bit key`);
      return new Secrets(key);
    }
    mkdirSync(dirname(keyFile), { recursive: true });
    const key = randomBytes(32);
    writeFileSync(keyFile, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(keyFile, 0o600);
    return new Secrets(key);
  }

  /** Encrypts plaintext bound to a context (the key id and the parameter ARN), returns base64. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(blob: string, context: string): string {
    const raw = Buffer.from(blob, 'base64');
    const iv = raw.subarray(MAGIC.length, MAGIC.length + 12);
    const tag = raw.subarray(MAGIC.length + 12, MAGIC.length + 28);
    const body = raw.subarray(MAGIC.length + 28);
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
