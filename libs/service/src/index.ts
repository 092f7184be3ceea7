export * from './bootstrap';
export * from './health.controller';
export * from './internal-auth.guard';
export * from './service.module';
export * from './metrics';
export * from './request-parsing';
export * from './audit';
