// The application's frame: who is signed in (role and area always shown),
// the menu of what their role may do, the language switch.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import viVN from 'antd/es/locale/vi_VN';
import enUS from 'antd/es/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, get, send, setCsrfToken } from './api';
import { I18nContext, Lang, makeI18n, Word } from './i18n';
import { Me, MeContext } from './me';
import SignIn from './pages/SignIn';
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Network = lazy(() => import('./pages/Network'));
const Borrowers = lazy(() => import('./pages/Borrowers'));
const Lending = lazy(() => import('./pages/Lending'));
const Session = lazy(() => import('./pages/Session'));
const Approvals = lazy(() => import('./pages/Approvals'));
const Entrusted = lazy(() => import('./pages/Entrusted'));
const Reports = lazy(() => import('./pages/Reports'));
const Audit = lazy(() => import('./pages/Audit'));
const Users = lazy(() => import('./pages/Users'));
const Settings = lazy(() => import('./pages/Settings'));
import PasswordChange from './pages/PasswordChange';

const roleNames: Record<string, [string, string]> = {
  officer: ['Cán bộ tín dụng', 'Credit officer'],
  director: ['Giám đốc PGD', 'Office director'],
  association: ['Cán bộ hội', 'Association officer'],
  leader: ['Tổ trưởng', 'Group leader'],
  branch: ['Chi nhánh', 'Branch staff'],
  head_office: ['Hội sở chính', 'Head office'],
  board: ['Ban đại diện', 'Board'],
  auditor: ['Kiểm toán', 'Auditor'],
  admin: ['Quản trị', 'Administrator'],
};

interface Screen {
  path: string;
  word: Word;
  needs?: string; // a permission
  element: JSX.Element;
}

export default function App() {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('tdcs.lang') as Lang) || 'vi');
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('tdcs.lang', l);
    setLangState(l);
  }, []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const navigate = useNavigate();
  const location = useLocation();
  dayjs.locale(lang === 'vi' ? 'vi' : 'en');

  useEffect(() => {
    get<Me>('/api/session')
      .then((m) => {
        setCsrfToken(m.csrf_token);
        setMe(m);
      })
      .catch((e) => {
        if (e instanceof ApiError && e.status === 401) setMe(null);
        else setMe(null);
      });
  }, []);

  const signedIn = (m: Me) => {
    setCsrfToken(m.csrf_token);
    setMe(m);
    navigate('/');
  };
  const signOut = async () => {
    try {
      await send('DELETE', '/api/session', undefined);
    } finally {
      setMe(null);
      navigate('/');
    }
  };

  const screens: Screen[] = [
    { path: '/', word: 'dashboard', needs: 'report', element: <Dashboard /> },
    { path: '/network', word: 'network', needs: 'read', element: <Network /> },
    { path: '/borrowers', word: 'borrowers', needs: 'read', element: <Borrowers /> },
    { path: '/lending', word: 'lending', needs: 'lend', element: <Lending /> },
    { path: '/session', word: 'session', needs: 'read', element: <Session /> },
    { path: '/approvals', word: 'approvals', needs: 'read', element: <Approvals /> },
    { path: '/entrusted', word: 'entrusted', needs: 'read', element: <Entrusted /> },
    { path: '/reports', word: 'reports', needs: 'report', element: <Reports /> },
    { path: '/settings', word: 'settings', needs: 'settings', element: <Settings /> },
    { path: '/users', word: 'users', needs: 'manage_users', element: <Users /> },
    { path: '/audit', word: 'audit', needs: 'read_audit', element: <Audit /> },
  ];

  const locale = lang === 'vi' ? viVN : enUS;
  let body: JSX.Element;
  if (me === undefined) {
    body = <Spin style={{ margin: 80 }} />;
  } else if (me === null) {
    body = <SignIn onSignedIn={signedIn} />;
  } else {
    const allowed = screens.filter((s) => !s.needs || me.permissions.includes(s.needs));
    const home = allowed[0]?.path ?? '/borrowers';
    body = (
      <MeContext.Provider value={me}>
        <Layout style={{ minHeight: '100vh' }}>
          <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16 }}>
            <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap', flex: 1 }}>
              {i18n.t('app')}
            </Typography.Text>
            <Space size="small" data-testid="whoami" wrap>
              <Tag color="blue">{me.login}</Tag>
              <Tag>
                {i18n.t('role')}: {(roleNames[me.role] ?? [me.role, me.role])[lang === 'vi' ? 0 : 1]}
              </Tag>
              <Tag>
                {i18n.t('area')}: {me.scope || 'national'}
                {me.association ? ` · ${me.association}` : ''}
              </Tag>
              <PasswordChange />
              <Button size="small" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
                {i18n.t('language')}
              </Button>
              <Button size="small" onClick={signOut}>
                {i18n.t('signOut')}
              </Button>
            </Space>
          </Layout.Header>
          <Layout>
          <Layout.Sider width={180} breakpoint="md" collapsedWidth={0} theme="light">
            <Menu
              mode="inline"
              selectedKeys={[location.pathname]}
              items={allowed.map((s) => ({ key: s.path, label: i18n.t(s.word) }))}
              onClick={(e) => navigate(e.key)}
              style={{ height: '100%' }}
            />
          </Layout.Sider>
          <Layout.Content style={{ padding: 16 }}>
            <Suspense fallback={<Spin />}>
            <Routes>
              {allowed.map((s) => (
                <Route key={s.path} path={s.path} element={s.element} />
              ))}
              <Route path="*" element={<Navigate to={home} replace />} />
            </Routes>
            </Suspense>
          </Layout.Content>
          </Layout>
        </Layout>
      </MeContext.Provider>
    );
  }
  return (
    <I18nContext.Provider value={i18n}>
      <ConfigProvider locale={locale} theme={{
          token: {
            // Colours dark enough for WCAG AA contrast on white and on their tints.
            colorPrimary: '#00603f',
            colorLink: '#00603f',
            colorTextDescription: 'rgba(0, 0, 0, 0.68)',
            colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
            colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
            colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
          },
          components: {
            Menu: { itemSelectedBg: '#00603f', itemSelectedColor: '#ffffff', itemHoverColor: 'rgba(0, 0, 0, 0.88)' },
          },
        }}>
        <AntApp>{body}</AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}
