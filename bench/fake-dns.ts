// Preload (`node --import ./dist/bench/fake-dns.js ...`) that gives a process the bench's virtual hosts:
// it replaces `dns.lookup` (which net, http and fetch use) and `dns.promises.lookup` (which the
// service's address guard calls at each request) with lookups that answer the names in
// $BENCH_HOSTS_FILE, fail other `.bench` names with ENOTFOUND and pass every other name on.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import { fakeLookup, fakePromiseLookup, readHostMap, type CallbackLookup, type PromiseLookup } from './fake-hosts.js';

const hosts = readHostMap();
Object.assign(dns, { lookup: fakeLookup(hosts, dns.lookup as CallbackLookup) });
Object.assign(dns.promises, { lookup: fakePromiseLookup(hosts, dns.promises.lookup as PromiseLookup) });
// ESM named imports of node:dns (`import { lookup } from 'node:dns'`) see the replacement too.
syncBuiltinESMExports();
