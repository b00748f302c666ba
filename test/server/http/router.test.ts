// The route table: patterns match segment by segment on the decoded path, HEAD takes the GET
// route, a bad percent-encoding is 400 and an over-long parameter 414, before any route runs.
import { describe, expect, it } from 'vitest';
import { createRouter, MAX_PARAM_LENGTH } from '../../../src/server/http/router.js';

const router = createRouter<string>();
router.add('GET', '/tasks', 'list');
router.add('GET', '/tasks/:id', 'one');
router.add('GET', '/tasks/:id/output', 'output');
router.add('POST', '/task', 'post');

describe('createRouter', () => {
  it('matches a literal path and a parameter, decoded', () => {
    expect(router.find('GET', '/tasks')).toMatchObject({ kind: 'route', route: { value: 'list' } });
    expect(router.find('GET', '/tasks/a%20b')).toMatchObject({ kind: 'route', route: { value: 'one' }, params: { id: 'a b' } });
    expect(router.find('GET', '/tasks/x/output')).toMatchObject({ route: { value: 'output', pattern: '/tasks/:id/output' } });
    expect(router.find('POST', '/%74ask')).toMatchObject({ kind: 'route', route: { value: 'post' } });
  });

  it('keeps an encoded slash inside its parameter', () => {
    expect(router.find('GET', '/tasks/..%2f..%2fetc')).toMatchObject({ kind: 'route', params: { id: '../../etc' } });
  });

  it('answers HEAD with the GET route, and no other method', () => {
    expect(router.find('HEAD', '/tasks')).toMatchObject({ kind: 'route', route: { value: 'list' } });
    expect(router.find('DELETE', '/tasks')).toEqual({ kind: 'none', path: '/tasks' });
    expect(router.find('GET', '/task')).toMatchObject({ kind: 'none' });
  });

  it('does not match a trailing slash, an empty parameter or extra segments', () => {
    for (const path of ['/tasks/', '/tasks//output', '/tasks/a/b', '/']) expect(router.find('GET', path).kind, path).toBe('none');
  });

  it('400 for a path that does not decode, 414 for a parameter over the limit', () => {
    expect(router.find('GET', '/tasks/%zz')).toMatchObject({
      kind: 'bad_url',
      status: 400,
      message: expect.stringContaining('not a valid url component'),
    });
    expect(router.find('GET', `/tasks/${'a'.repeat(MAX_PARAM_LENGTH + 1)}`)).toMatchObject({ kind: 'bad_url', status: 414 });
    expect(router.find('GET', `/tasks/${'a'.repeat(MAX_PARAM_LENGTH)}`)).toMatchObject({ kind: 'route' });
  });

  it('refuses a route defined twice, and says which routes exist', () => {
    expect(() => router.add('GET', '/tasks', 'again')).toThrow(/GET \/tasks is already defined/);
    expect(router.has('GET', '/tasks/:id/output')).toBe(true);
    expect(router.has('POST', '/tasks')).toBe(false);
  });
});
