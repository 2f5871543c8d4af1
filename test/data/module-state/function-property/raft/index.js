"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.makeRaft = makeRaft;
function makeRaft(peers, me, persister, applySink, runtime) {
    makeRaft.calls = (makeRaft.calls ?? 0) + 1;
    return { handlers: {}, getState: () => ({ term: 0, isLeader: false }), start: () => ({ index: -1, term: 0, isLeader: false }), snapshot() { }, kill() { } };
}
