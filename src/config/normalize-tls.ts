/**
 * `listen[].tls`: the certificate, key and client CA files read when the config is loaded, paths
 * relative to the config's directory, and checked there (readable, PEM that parses, a key that
 * belongs to the certificate), so a bad file is a config problem at its YAML path and never a
 * failure when the listener starts or a client connects. A reload reads them again, which is
 * how renewed certificates are taken up (docs/tls.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { ErrorCode } from '../errors.js';
import type { ListenTlsConfig } from './types.js';

type Fail = (code: ErrorCode, segments: (string | number)[], message: string) => void;

export function listenTlsConfig(raw: Record<string, unknown>, at: (string | number)[], baseDir: string, fail: Fail): ListenTlsConfig | undefined {
  const read = (key: string): Buffer | undefined => {
    const file = raw[key];
    if (typeof file !== 'string') return undefined;
    try {
      return readFileSync(resolve(baseDir, file));
    } catch (err) {
      fail('SY_ERR_CONFIG_INVALID', [...at, key], `cannot read ${key} file '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return undefined;
    }
  };
  const cert = read('cert');
  const key = read('key');
  const ca = read('ca');
  if (cert === undefined || key === undefined) return undefined;
  let certificate: X509Certificate;
  try {
    // The first certificate of the file is the server's; any after it are its chain.
    certificate = new X509Certificate(cert);
  } catch {
    fail('SY_ERR_CONFIG_INVALID', [...at, 'cert'], `'${String(raw['cert'])}' holds no PEM certificate`);
    return undefined;
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(key))) {
      fail('SY_ERR_CONFIG_INVALID', [...at, 'key'], `the key in '${String(raw['key'])}' does not belong to the certificate in '${String(raw['cert'])}'`);
      return undefined;
    }
  } catch {
    fail('SY_ERR_CONFIG_INVALID', [...at, 'key'], `'${String(raw['key'])}' holds no PEM private key (an encrypted key is not supported)`);
    return undefined;
  }
  if (ca !== undefined) {
    try {
      new X509Certificate(ca);
    } catch {
      fail('SY_ERR_CONFIG_INVALID', [...at, 'ca'], `'${String(raw['ca'])}' holds no PEM certificate`);
      return undefined;
    }
  }
  const minVersion = (raw['minVersion'] as ListenTlsConfig['minVersion'] | undefined) ?? 'TLSv1.2';
  const tls: ListenTlsConfig = { cert, key, ca, minVersion };
  try {
    createSecureContext(secureContextOptions(tls));
  } catch (err) {
    fail('SY_ERR_CONFIG_INVALID', [...at, 'cert'], `TLS cannot use these files: ${(err as Error).message}`);
    return undefined;
  }
  return tls;
}

/** What node's TLS is given for a listener: also what the listener builds its context from. */
export function secureContextOptions(tls: ListenTlsConfig): { cert: Buffer; key: Buffer; ca?: Buffer; minVersion: ListenTlsConfig['minVersion'] } {
  return { cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca }), minVersion: tls.minVersion };
}
