// The headline indicators of the user's area on any past date, with charts.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Card, Col, DatePicker, Row, Space, Statistic, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { get } from '../api';
import Chart from '../Chart';
import { dong, dongShort, errorText, num, percentBp, useI18n, viDate } from '../i18n';

export interface Headline {
  unit: string;
  unit_name: string;
  at: string;
  outstanding_dong: number;
  overdue_dong: number;
  frozen_dong: number;
  overdue_ratio_bp: number;
  frozen_ratio_bp: number;
  growth_dong: number;
  outstanding_before_dong: number;
  plan_dong: number | null;
  plan_attainment_bp: number | null;
  customers: number;
  groups: number;
  households: number;
  by_association: Record<string, number>;
  by_program: Record<string, number>;
  ratings: { month: string | null; tot: number; kha: number; trung_binh: number; yeu: number } | null;
}

const associations: Record<string, [string, string]> = {
  farmers: ['Hội Nông dân', 'Farmers'],
  women: ['Hội Phụ nữ', 'Women'],
  veterans: ['Hội Cựu chiến binh', 'Veterans'],
  youth: ['Đoàn Thanh niên', 'Youth'],
};

export default function Dashboard() {
  const { t, lang } = useI18n();
  const [at, setAt] = useState<Dayjs | null>(null);
  const [headline, setHeadline] = useState<Headline | null>(null);
  const [trend, setTrend] = useState<Headline[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    setError('');
    get<Headline>('/api/reports/headline', { at: at?.format('YYYY-MM-DD') })
      .then((h) => {
        setHeadline(h);
        // The twelve month-ends up to the date.
        const end = dayjs(h.at);
        const dates = Array.from({ length: 12 }, (_, i) => end.subtract(11 - i, 'month').endOf('month'));
        dates[11] = end;
        return Promise.all(
          dates.map((d) => get<Headline>('/api/reports/headline', { at: d.format('YYYY-MM-DD') }).catch(() => null)),
        );
      })
      .then((series) => setTrend((series ?? []).filter((h): h is Headline => h !== null)))
      .catch((e) => setError(errorText(e, lang)));
  }, [at, lang]);

  const options = useMemo(() => {
    if (!headline) return null;
    const programs = Object.entries(headline.by_program).sort((a, b) => b[1] - a[1]);
    return {
      program: {
        tooltip: {},
        grid: { left: 60, right: 10, top: 10, bottom: 30 },
        xAxis: { type: 'category', data: programs.map(([code]) => code) },
        yAxis: { type: 'value', axisLabel: { formatter: (v: number) => num(Math.round(v / 1e6)) } },
        series: [{ type: 'bar', data: programs.map(([, v]) => v), name: t('outstanding') }],
      },
      association: {
        tooltip: { valueFormatter: (v: number) => dong(v) },
        legend: { bottom: 0 },
        series: [
          {
            type: 'pie',
            radius: ['35%', '65%'],
            data: Object.entries(headline.by_association).map(([k, v]) => ({
              name: (associations[k] ?? [k, k])[lang === 'vi' ? 0 : 1],
              value: v,
            })),
          },
        ],
      },
      trend: {
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => dong(v) },
        grid: { left: 70, right: 10, top: 10, bottom: 30 },
        xAxis: { type: 'category', data: trend.map((h) => dayjs(h.at).format('MM/YYYY')) },
        yAxis: { type: 'value', axisLabel: { formatter: (v: number) => num(Math.round(v / 1e6)) } },
        series: [{ type: 'line', data: trend.map((h) => h.outstanding_dong), name: t('outstanding'), areaStyle: {} }],
      },
      ratios: {
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(2).replace('.', ',')} %` },
        legend: { bottom: 0 },
        grid: { left: 50, right: 10, top: 10, bottom: 50 },
        xAxis: { type: 'category', data: trend.map((h) => dayjs(h.at).format('MM/YYYY')) },
        yAxis: { type: 'value' },
        series: [
          { type: 'line', name: t('overdue'), data: trend.map((h) => h.overdue_ratio_bp / 100) },
          { type: 'line', name: t('frozen'), data: trend.map((h) => h.frozen_ratio_bp / 100) },
        ],
      },
      ratings: {
        tooltip: {},
        grid: { left: 50, right: 10, top: 10, bottom: 30 },
        xAxis: { type: 'category', data: lang === 'vi' ? ['Tốt', 'Khá', 'Trung bình', 'Yếu'] : ['Good', 'Fair', 'Average', 'Weak'] },
        yAxis: { type: 'value' },
        series: [
          {
            type: 'bar',
            name: t('groups'),
            data: headline.ratings ? [headline.ratings.tot, headline.ratings.kha, headline.ratings.trung_binh, headline.ratings.yeu] : [],
          },
        ],
      },
      plan: {
        series: [
          {
            type: 'gauge',
            max: 120,
            detail: { formatter: (v: number) => `${v.toFixed(1).replace('.', ',')} %` },
            data: [{ value: (headline.plan_attainment_bp ?? 0) / 100, name: t('attainment') }],
          },
        ],
      },
    };
  }, [headline, trend, lang, t]);

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Space wrap>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
          {t('dashboard')}: {headline?.unit_name ?? ''} — {viDate(headline?.at)}
        </Typography.Title>
        <DatePicker
          aria-label={t('date')}
          format="DD/MM/YYYY"
          value={at}
          onChange={setAt}
          disabledDate={(d) => d.isAfter(dayjs())}
        />
      </Space>
      {error && <Alert type="error" message={error} />}
      {headline && options && (
        <>
          <Row gutter={[12, 12]}>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('outstanding')} value={dongShort(headline.outstanding_dong, lang)} data-testid="outstanding" />
                <Typography.Text type="secondary">{dong(headline.outstanding_dong)}</Typography.Text>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('growth')} value={dongShort(headline.growth_dong, lang)} />
                <Typography.Text type="secondary">
                  {headline.outstanding_before_dong
                    ? percentBp(Math.round((headline.growth_dong * 10000) / headline.outstanding_before_dong))
                    : '–'}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('overdue')} value={dongShort(headline.overdue_dong, lang)} />
                <Typography.Text type="secondary">{percentBp(headline.overdue_ratio_bp)}</Typography.Text>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('frozen')} value={dongShort(headline.frozen_dong, lang)} />
                <Typography.Text type="secondary">{percentBp(headline.frozen_ratio_bp)}</Typography.Text>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('customers')} value={num(headline.customers)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('groups')} value={num(headline.groups)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('plan')} value={headline.plan_dong ? dongShort(headline.plan_dong, lang) : '–'} />
              </Card>
            </Col>
          </Row>
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={12}>
              <Card title={t('byProgram')}>
                <Chart option={options.program} label={t('byProgram')} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('byAssociation')}>
                <Chart option={options.association} label={t('byAssociation')} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('trend')}>
                <Chart option={options.trend} label={t('trend')} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('ratios')}>
                <Chart option={options.ratios} label={t('ratios')} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={`${t('ratings')} ${headline.ratings?.month ?? ''}`}>
                <Chart option={options.ratings} label={t('ratings')} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('attainment')}>
                <Chart option={options.plan} label={t('attainment')} />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </Space>
  );
}
