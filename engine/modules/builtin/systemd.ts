// systemd: Ansible's systemd module is the same as service here (systemd hosts only).
import { serviceModule } from './service.js';

export const systemdModule = { ...serviceModule, name: 'systemd' };
