// What kind of key is wanted or found: RSA with a modulus size, or ECDSA on a named curve.
export type KeyType = 'RSA' | 'ECDSA';
export type Curve = 'P-256' | 'P-384';

export type KeySpec = { type: 'RSA'; size: 2048 | 3072 | 4096 } | { type: 'ECDSA'; size: Curve };

export const RSA_SIZES = [2048, 3072, 4096] as const;
export const CURVES: readonly Curve[] = ['P-256', 'P-384'];

/** "RSA 2048", "ECDSA P-256" */
export function describeKey(spec: { type: string; size: number | string }): string {
  return `${spec.type} ${spec.size}`;
}

export function sameKeySpec(a: KeySpec, b: KeySpec): boolean {
  return a.type === b.type && a.size === b.size;
}

/** The spec for `type`/`size` parameters (defaults RSA 2048, ECDSA P-256), or why it is invalid. */
export function keySpecFrom(type: string | undefined, size: number | string | undefined): KeySpec | { error: string } {
  const t = type ?? 'RSA';
  if (t === 'RSA') {
    const n = size ?? 2048;
    if (!(RSA_SIZES as readonly unknown[]).includes(n)) return { error: `RSA key size must be one of ${RSA_SIZES.join(', ')}, got ${JSON.stringify(n)}` };
    return { type: 'RSA', size: n as 2048 | 3072 | 4096 };
  }
  if (t === 'ECDSA') {
    const c = size ?? 'P-256';
    if (!(CURVES as readonly unknown[]).includes(c)) return { error: `ECDSA curve must be one of ${CURVES.join(', ')}, got ${JSON.stringify(c)}` };
    return { type: 'ECDSA', size: c as Curve };
  }
  return { error: `key type must be RSA or ECDSA, got ${JSON.stringify(t)}` };
}

/**
 * JSON Schema for a type/size parameter pair, named as the module names them. Which sizes go with
 * which type is checked by the diff (keySpecFrom): an if/then rule would also reject a size that
 * is still a template at load time.
 */
export function keySpecSchema(typeName: string, sizeName: string): Record<string, unknown> {
  return {
    [typeName]: { enum: ['RSA', 'ECDSA'], default: 'RSA', description: 'Key algorithm.' },
    [sizeName]: {
      anyOf: [{ enum: [...RSA_SIZES] }, { enum: [...CURVES] }],
      description: 'RSA modulus bits (2048, 3072, 4096; default 2048) or ECDSA curve (P-256, P-384; default P-256).',
    },
  };
}
