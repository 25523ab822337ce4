/**
 * Reads the user id from a JWT's payload (`sub`, else `userId`) without verifying it: the
 * client only needs to know who it is; the server does the verifying.
 */
export function userIdFromToken(token: string): string {
  const payload = token.split('.')[1];
  if (!payload) return '';
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))),
    );
    return String(claims.sub ?? claims.userId ?? '');
  } catch {
    return '';
  }
}
