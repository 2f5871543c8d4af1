"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.Peer = exports.TABLE = exports.HEARTBEAT_MS = void 0;
exports.makeRaft = makeRaft;
const node_path_1 = __importDefault(require("node:path"));
const { join } = require("node:path");
const sep = node_path_1.default.sep;
exports.HEARTBEAT_MS = 100;
const ELECTION_MS = 3 * exports.HEARTBEAT_MS + 50;
const NAME = `raft`;
const WORD = /^[a-z]+$/i;
const pick = (xs) => xs[0];
exports.TABLE = Object.freeze({ fix: 0x90, kinds: Object.freeze(['a', 'b']), name: NAME, pick });
class Peer {
    term = 0;
    handlers = {};
    static of() { return new Peer(); }
    getState() { this.term = ELECTION_MS > 0 ? this.term : 0; return { term: this.term, isLeader: WORD.test(NAME) && sep !== join('a') }; }
    start() { return { index: -1, term: this.term, isLeader: false }; }
    snapshot() { }
    kill() { }
}
exports.Peer = Peer;
function makeRaft(peers, me, persister, applySink, runtime) {
    let made = Peer.of();
    made = pick([made]);
    return made;
}
