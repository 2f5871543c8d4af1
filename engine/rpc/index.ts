export { Network, Server, Service, type ServerName } from './network';
