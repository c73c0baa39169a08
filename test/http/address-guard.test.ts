import t from 'tap';
import { createAddressGuard } from '../../services/http/address-guard.js';

t.test('only public unicast addresses pass', async (t) => {
  const guard = createAddressGuard([]);
  const refused = [
    '127.0.0.1', '127.8.9.10', '::1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '::', '224.0.0.1', '255.255.255.255', 'fe80::1', 'fc00::1', 'fd00:ec2::254',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '192.0.2.1', '198.18.0.1', '64:ff9b::a00:1', '2002:a00:1::',
  ];
  for (const address of refused) t.equal(guard.isAllowed(address), false, `${address} is refused`);
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    t.equal(guard.isAllowed(address), true, `${address} passes`);
  }
  t.equal(guard.isAllowed('not-an-ip'), false);
});

t.test('IPv6 outside global unicast, and IPv4-compatible forms, are refused', async (t) => {
  const guard = createAddressGuard([]);
  for (const address of ['::8.8.8.8', '::1.2.3.4', '0:0:0:0:0:0:8.8.8.8', '4000::1', 'e000::1', '100::1']) {
    t.equal(guard.isAllowed(address), false, `${address} is refused`);
  }
  for (const address of ['2001:4860:4860::8888', '::ffff:8.8.8.8', '0:0:0:0:0:ffff:8.8.8.8', '8.8.8.8']) {
    t.equal(guard.isAllowed(address), true, `${address} passes`);
  }
});

t.test('the allowlist opens exactly its CIDRs', async (t) => {
  const guard = createAddressGuard(['127.0.0.0/8']);
  t.equal(guard.isAllowed('127.0.0.1'), true);
  t.equal(guard.isAllowed('::ffff:127.0.0.1'), true, 'IPv4-mapped loopback is loopback');
  t.equal(guard.isAllowed('::1'), false, 'IPv6 loopback is another range');
  t.equal(guard.isAllowed('10.0.0.1'), false);
});

t.test('a host is refused when any of its addresses is non-public', async (t) => {
  const guard = createAddressGuard([], async (host) =>
    host === 'mixed.test'
      ? [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }]
      : [{ address: '93.184.216.34', family: 4 }],
  );
  await t.rejects(guard.assertHostAllowed('mixed.test'), { code: 'ERR_BLOCKED_ADDRESS' });
  await t.resolves(guard.assertHostAllowed('public.test'));
  await t.rejects(guard.assertHostAllowed('[::1]'), { code: 'ERR_BLOCKED_ADDRESS' }, 'IPv6 literal in URL form');
  await t.rejects(guard.assertHostAllowed('169.254.169.254'), { code: 'ERR_BLOCKED_ADDRESS' });
});
