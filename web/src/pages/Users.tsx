// Users and roles (administrators).
import { useEffect, useState } from 'react';
import { App, Button, Form, Input, Select, Space, Table, Tag } from 'antd';
import { get, send } from '../api';
import { chosen, errorText, useI18n, viDate } from '../i18n';

interface User {
  login: string;
  role: string;
  scope: string;
  association: string;
  created_on: string;
  disabled_on: string | null;
}
const roles = ['officer', 'director', 'association', 'leader', 'branch', 'head_office', 'board', 'auditor', 'admin'];

export default function Users() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [users, setUsers] = useState<User[]>([]);
  const [version, setVersion] = useState(0);
  const [form] = Form.useForm();
  useEffect(() => {
    get<{ users: User[] }>('/api/users').then((r) => setUsers(r.users)).catch((e) => message.error(errorText(e, lang)));
  }, [version, lang, message]);
  const add = async (v: { login: string; role: string; scope?: string; association?: string; password: string }) => {
    try {
      await send('POST', '/api/users', v);
      form.resetFields();
      setVersion((x) => x + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const disable = async (login: string) => {
    try {
      await send('PATCH', `/api/users/${encodeURIComponent(login)}`, { disabled: true });
      setVersion((x) => x + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form form={form} layout="inline" onFinish={add} style={{ rowGap: 8 }}>
        <Form.Item name="login" label={t('login')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="role" label={t('role')} rules={[chosen(t)]}>
          <Select style={{ width: 160 }} options={roles.map((r) => ({ value: r, label: r }))} />
        </Form.Item>
        <Form.Item name="scope" label={t('area')}>
          <Input placeholder="PGD312, CN31…" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, min: 12 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button htmlType="submit" type="primary">
          {t('add')}
        </Button>
      </Form>
      <Table<User>
        rowKey="login"
        size="small"
        dataSource={users}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('login'), dataIndex: 'login' },
          { title: t('role'), dataIndex: 'role' },
          { title: t('area'), dataIndex: 'scope' },
          { title: '', dataIndex: 'association' },
          { title: t('from'), dataIndex: 'created_on', render: viDate },
          {
            title: t('status'),
            render: (_, u) =>
              u.disabled_on ? (
                <Tag color="red">{viDate(u.disabled_on)}</Tag>
              ) : (
                <Button size="small" onClick={() => disable(u.login)}>
                  {t('disable')}
                </Button>
              ),
          },
        ]}
      />
    </Space>
  );
}
