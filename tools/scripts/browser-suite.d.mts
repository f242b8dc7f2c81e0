import type { UserConfig } from 'vitest/config';

export declare function browserSuiteConfig(packageRoot: URL): UserConfig;
