/**
 * Who the phone says it is in every request: the address of record, the digest credentials and
 * the display name, as sip.js takes them. One place, so the tests check what goes on the wire.
 */
import { UserAgent, type UserAgentOptions } from 'sip.js';
import type { AccountWithPassword } from '../account';
import { sipDisplayName } from './quoting';

export const USER_AGENT_STRING = 'SecoursSoftphone/0.1';

export function identityOptions(account: AccountWithPassword): Pick<UserAgentOptions, 'uri' | 'authorizationUsername' | 'authorizationPassword' | 'displayName'> {
  return {
    uri: UserAgent.makeURI(account.sipUri),
    authorizationUsername: account.authUser,
    authorizationPassword: account.password,
    // sip.js puts it between quotes as it is: quoted-pairs keep '"' and '\' from ending it.
    displayName: account.displayName ? sipDisplayName(account.displayName) : undefined,
  };
}
