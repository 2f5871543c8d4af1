"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.makeRaft = makeRaft;
class Peer {
    static made = 0;
    handlers = {};
    constructor() {
        Peer.made++;
    }
    getState() { return { term: 0, isLeader: false }; }
    start() { return { index: -1, term: 0, isLeader: false }; }
    snapshot() { }
    kill() { }
}
function makeRaft(peers, me, persister, applySink, runtime) {
    return new Peer();
}
