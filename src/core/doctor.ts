/** Health checks (implemented in src/install/doctor); /status shows the failing ones briefly. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  status: CheckStatus;
  /** Message-catalogue key and parameters describing the finding. */
  key: string;
  params?: Record<string, string | number>;
  /** Message-catalogue key of the fix, for warn/fail. */
  fixKey?: string;
  fixParams?: Record<string, string | number>;
}

export interface DoctorService {
  run(): Promise<CheckResult[]>;
}
