-- The Cube-comparison dataset: 100,000 orders over 2023-2024, deterministic.
--   psql -h 127.0.0.1 -U postgres -d cube_bench -f scripts/bench/orders/setup.sql
DROP TABLE IF EXISTS orders;
CREATE TABLE orders (
  id serial PRIMARY KEY,
  status text NOT NULL,
  amount numeric(10, 2) NOT NULL,
  created_at timestamp NOT NULL
);
INSERT INTO orders (status, amount, created_at)
SELECT (ARRAY['completed', 'shipped', 'processing', 'cancelled', 'returned'])[1 + (g * 7) % 5],
       round(((g * 7919) % 50000) / 100.0 + 5, 2),
       timestamp '2023-01-01' + ((g * 104729) % 63072000) * interval '1 second'
FROM generate_series(1::bigint, 100000) AS g;
ANALYZE orders;
