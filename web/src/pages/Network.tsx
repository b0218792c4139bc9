// The network as of any date: branch → office → commune point → group →
// members, one level at a time, with an office's session calendar.
import { useEffect, useState } from 'react';
import { Alert, Breadcrumb, Card, DatePicker, Space, Table, Tag } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { get } from '../api';
import { errorText, useI18n, viDate } from '../i18n';

interface Node {
  kind: string;
  code: string;
  name: string;
  session_day?: number;
  association?: number;
  role?: string;
  commune?: string;
}
interface Level {
  on: string;
  unit: Node;
  children: Node[];
}
interface CalendarEntry {
  point: string;
  name: string;
  session_day: number;
  date: string;
  moved: boolean;
  reason: string;
  day_off: boolean;
}

const associationNames: Record<number, [string, string]> = {
  11: ['Nông dân', 'Farmers'],
  12: ['Phụ nữ', 'Women'],
  13: ['Cựu chiến binh', 'Veterans'],
  14: ['Thanh niên', 'Youth'],
};

export default function Network() {
  const { t, lang } = useI18n();
  const [on, setOn] = useState<Dayjs | null>(null);
  const [path, setPath] = useState<Node[]>([]);
  const [level, setLevel] = useState<Level | null>(null);
  const [calendar, setCalendar] = useState<CalendarEntry[]>([]);
  const [error, setError] = useState('');
  // The unit asked for: the API's `kind:code` (a seat is an office; the
  // nation is just `national`).
  const last = path.length ? path[path.length - 1] : null;
  const unit = !last ? '' : last.kind === 'national' ? 'national' : `${last.kind === 'seat' ? 'office' : last.kind}:${last.code}`;
  useEffect(() => {
    setError('');
    get<Level>('/api/network', { unit, on: on?.format('YYYY-MM-DD') })
      .then((l) => {
        setLevel(l);
        if (path.length === 0) setPath([l.unit]);
        if (l.unit.kind === 'office' || l.unit.kind === 'seat') {
          get<{ sessions: CalendarEntry[] }>('/api/sessions/calendar', {
            office: l.unit.code,
            month: dayjs(l.on).format('YYYY-MM'),
          })
            .then((c) => setCalendar(c.sessions))
            .catch(() => setCalendar([]));
        } else {
          setCalendar([]);
        }
      })
      .catch((e) => {
        setLevel(null);
        setCalendar([]);
        setError(errorText(e, lang));
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [unit, on, lang]);

  const open = (n: Node) => {
    if (n.kind === 'member') return;
    setPath([...path, n]);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Breadcrumb
          items={path.map((n, i) => ({
            title: (
              <a
                href="#"
                onClick={(e) => {
                  e.preventDefault();
                  setPath(path.slice(0, i + 1));
                }}
              >
                {n.name || n.code}
              </a>
            ),
          }))}
        />
        <DatePicker aria-label={t('date')} format="DD/MM/YYYY" value={on} onChange={setOn} />
        {level && <Tag>{viDate(level.on)}</Tag>}
      </Space>
      {error && <Alert type="error" message={error} />}
      <Card title={level ? `${level.unit.name} (${level.unit.code})` : t('network')}>
        <Table<Node>
          rowKey="code"
          size="small"
          dataSource={level?.children ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          onRow={(n) => ({ onClick: () => open(n), style: { cursor: n.kind === 'member' ? 'default' : 'pointer' } })}
          columns={[
            { title: t('code'), dataIndex: 'code' },
            { title: t('name'), dataIndex: 'name' },
            {
              title: '',
              render: (_, n) =>
                n.kind === 'point'
                  ? `${t('sessionDay')}: ${n.session_day}`
                  : n.kind === 'group'
                    ? (associationNames[n.association ?? 0] ?? ['', ''])[lang === 'vi' ? 0 : 1]
                    : n.kind === 'member'
                      ? n.role
                      : n.kind,
            },
          ]}
        />
      </Card>
      {calendar.length > 0 && (
        <Card title={`${t('sessionDay')} — ${dayjs(level?.on).format('MM/YYYY')}`}>
          <Table<CalendarEntry>
            rowKey="point"
            size="small"
            pagination={false}
            dataSource={calendar}
            columns={[
              { title: t('point'), dataIndex: 'point' },
              { title: t('name'), dataIndex: 'name' },
              { title: t('date'), dataIndex: 'date', render: (d: string) => viDate(d) },
              { title: t('reason'), render: (_, e) => (e.moved ? e.reason : '') },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
