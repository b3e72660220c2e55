export declare const SQUAWK_VERSION: string;
export declare function squawkDir(): string;
export declare function findSquawk(options?: { install?: 'online' | 'offline' }): { binary: string; version: string; reason?: undefined } | { binary?: undefined; reason: string };
