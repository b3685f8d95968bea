/**
 * Transfer (issue 12 part 3), with real parties through the test gateway: alice (this page), bob
 * and carol (their own web-mode hosts and browsers) and the far end (baresip). Blind: alice's REFER
 * sends the far end to bob, or bob to the far end (his phone follows it). Attended: alice consults
 * carol, then bob's phone follows her REFER with Replaces and carol's takes the call over. Each
 * time the two left talk with audio both ways, and alice is out.
 */
import { FAR_END_EXTENSION, PSAP_USER } from '../gateway/harness';
import { expect, expectAudioBothWays, expectRegistered, openParty, test } from './fixtures';

test('blind transfer: the far end is sent to bob, who talks to it with audio both ways; alice is out', async ({ app, gateway, browser }) => {
  await expectRegistered(app);
  const bob = await openParty(browser, gateway, 'bob');
  try {
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill(FAR_END_EXTENSION);
    await app.getByRole('button', { name: 'Call', exact: true }).click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);

    const call = app.getByTestId('call');
    await call.getByRole('button', { name: 'Transfer' }).click();
    // An emergency number is never a transfer target.
    await call.getByRole('textbox', { name: 'Transfer to (number or address)' }).fill('112');
    await call.getByRole('button', { name: 'Transfer now' }).click();
    await expect(call.getByRole('alert')).toContainText('An emergency number cannot be a transfer target');

    const transferred = gateway.farEnd.mark();
    await call.getByRole('textbox', { name: 'Transfer to (number or address)' }).fill('bob');
    await call.getByRole('button', { name: 'Transfer now' }).click();
    // The far end follows the REFER: bob's phone rings with the far end calling.
    const incoming = bob.page.getByTestId('incoming-call');
    await expect(incoming).toBeVisible({ timeout: 15_000 });
    await expect(incoming).toContainText(FAR_END_EXTENSION);
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, transferred);
    await expectAudioBothWays(bob.page);
    // Alice's part is over.
    await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 15_000 });
    await bob.page.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  } finally {
    await bob.close();
  }
});

test("blind transfer followed by bob's phone: alice sends bob to the far end; his phone places the call itself, alice is out", async ({ app, gateway, browser }) => {
  await expectRegistered(app);
  const bob = await openParty(browser, gateway, 'bob');
  try {
    await app.getByLabel('Number or SIP address').fill('bob');
    await app.getByRole('button', { name: 'Call', exact: true }).click();
    await bob.page.getByTestId('incoming-call').getByRole('button', { name: 'Answer' }).click();
    const call = app.getByTestId('call');
    await expect(call).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
    const mark = gateway.farEnd.mark();
    await call.getByRole('button', { name: 'Transfer' }).click();
    await call.getByRole('textbox', { name: 'Transfer to (number or address)' }).fill(FAR_END_EXTENSION);
    await call.getByRole('button', { name: 'Transfer now' }).click();
    // Bob's phone follows the REFER: a new call to the far end, saying who transferred it.
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    // (His call with alice may still be ending beside it.)
    const bobCall = bob.page.getByTestId('call').filter({ has: bob.page.getByRole('heading', { name: FAR_END_EXTENSION }) });
    await expect(bobCall).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
    await expect(bobCall).toContainText('Transferred by Alice Martin');
    await expectAudioBothWays(bob.page);
    await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 15_000 });
    await expect(bob.page.getByTestId('call')).toHaveCount(1, { timeout: 15_000 });
  } finally {
    await bob.close();
  }
});

test('attended transfer: alice consults carol, then bob follows her REFER with Replaces; bob and carol talk, audio both ways, alice is out', async ({ app, gateway, browser }) => {
  // baresip 1.0 (the far end) puts a Refer-To's Replaces in the Request-URI and keeps a replaced
  // dialog alive, so the three parties of an attended transfer are three softphones here.
  await expectRegistered(app);
  const bob = await openParty(browser, gateway, 'bob');
  const carol = await openParty(browser, gateway, 'carol');
  try {
    await app.getByLabel('Number or SIP address').fill('bob');
    await app.getByRole('button', { name: 'Call', exact: true }).click();
    await bob.page.getByTestId('incoming-call').getByRole('button', { name: 'Answer' }).click();
    const toBob = app.getByTestId('call').filter({ has: app.getByRole('heading', { name: 'bob' }) });
    await expect(toBob).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });

    // Consult first: bob is held, carol called.
    await toBob.getByRole('button', { name: 'Transfer' }).click();
    await toBob.getByRole('textbox', { name: 'Transfer to (number or address)' }).fill('carol');
    await toBob.getByRole('button', { name: 'Speak to them first' }).click();
    await carol.page.getByTestId('incoming-call').getByRole('button', { name: 'Answer' }).click();
    const consult = app.getByTestId('call').filter({ has: app.getByRole('heading', { name: 'carol' }) });
    await expect(consult).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
    await expect(toBob).toContainText('On hold');
    await expect(consult).toContainText('bob is on hold');

    await consult.getByRole('button', { name: 'Complete transfer' }).click();
    // Bob's phone calls carol with Replaces; carol's answers it at once, in place of alice's call.
    const bobCall = bob.page.getByTestId('call').filter({ has: bob.page.getByRole('heading', { name: 'carol' }) });
    await expect(bobCall).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
    await expect(bobCall).toContainText('Transferred by Alice Martin');
    const carolCall = carol.page.getByTestId('call').filter({ has: carol.page.getByRole('heading', { name: 'bob' }) });
    await expect(carolCall).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
    await expect(carol.page.getByTestId('incoming-call')).toHaveCount(0);
    await expectAudioBothWays(bob.page);
    await expectAudioBothWays(carol.page);
    await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 15_000 });
    await expect(bob.page.getByTestId('call')).toHaveCount(1, { timeout: 15_000 });
    await expect(carol.page.getByTestId('call')).toHaveCount(1, { timeout: 15_000 });
  } finally {
    await bob.close();
    await carol.close();
  }
});

test('an attended transfer abandoned: the consultation call ends and the first call is resumed', async ({ app, gateway, browser }) => {
  await expectRegistered(app);
  const bob = await openParty(browser, gateway, 'bob');
  try {
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill(FAR_END_EXTENSION);
    await app.getByRole('button', { name: 'Call', exact: true }).click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    const first = app.getByTestId('call').first();
    await first.getByRole('button', { name: 'Transfer' }).click();
    await first.getByRole('textbox', { name: 'Transfer to (number or address)' }).fill('bob');
    await first.getByRole('button', { name: 'Speak to them first' }).click();
    await bob.page.getByTestId('incoming-call').getByRole('button', { name: 'Answer' }).click();
    const consult = app.getByTestId('call').filter({ has: app.getByRole('heading', { name: 'bob' }) });
    await expect(consult).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
    await consult.getByRole('button', { name: 'Cancel transfer' }).click();
    await expect(bob.page.getByTestId('call')).toHaveCount(0, { timeout: 10_000 });
    const farCall = app.getByTestId('call');
    await expect(farCall).toHaveCount(1, { timeout: 10_000 });
    await expect(farCall).not.toContainText('On hold', { timeout: 10_000 });
    await expectAudioBothWays(app);
    await farCall.getByRole('button', { name: 'Hang up' }).click();
  } finally {
    await bob.close();
  }
});

test('an emergency call has no transfer; a REFER from emergency services is followed as the same emergency call (RFC 6881 ED-64)', async ({ app, gateway }) => {
  await expectRegistered(app);
  await app.getByLabel('Number or SIP address').fill('112');
  const mark = gateway.farEnd.mark();
  await app.getByTestId('emergency-call-button').click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  const call = app.getByTestId('call');
  await expect(call).toHaveAttribute('data-emergency', 'true');
  await expect(call.getByRole('button', { name: 'Transfer' })).toHaveCount(0);

  // The answering point transfers the caller (for example to another service's line).
  const referred = gateway.farEnd.mark();
  // baresip acts on its current account's call: the answering point's.
  await gateway.farEnd.command('uafind', `sip:${PSAP_USER}@127.0.0.1:${gateway.farEndPort}`);
  const sent = await gateway.farEnd.command('transfer', `sip:${FAR_END_EXTENSION}@127.0.0.1:${gateway.sipPort}`);
  expect(sent.ok, sent.data).toBe(true);
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, referred);
  // Still one call, the same emergency call screen, now up with the new party.
  await expect(app.getByTestId('call')).toHaveCount(1);
  await expect(call).toHaveAttribute('data-emergency', 'true');
  await expect(call).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
  await expectAudioBothWays(app);
  await call.getByRole('button', { name: 'Hang up' }).click();
  await app.getByRole('button', { name: 'Yes, hang up' }).click();
  await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 10_000 });
  // The record holds one call for all of it.
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByTestId('call-record-entry')).toHaveCount(1);
});
