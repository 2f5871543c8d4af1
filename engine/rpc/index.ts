export { Network, Server, Service, type ServerName } from './network';
export { Hold, type HeldMessage, type HoldFilter, type Message } from './hold';
