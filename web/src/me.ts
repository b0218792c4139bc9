import { createContext, useContext } from 'react';

// The signed-in user (GET /api/session).
export interface Me {
  login: string;
  role: string;
  scope: string;
  association: string;
  permissions: string[];
  csrf_token: string;
}

export const MeContext = createContext<Me | null>(null);
export function useMe(): Me {
  return useContext(MeContext)!;
}
export function may(me: Me, permission: string): boolean {
  return me.permissions.includes(permission);
}
