-- Rollups of use_totals whose size grows with months and areas only, never with venues or uses (ADR 0007, amendment of
-- 2026-11-21): every figure of uses short of single venues reads one of them. The use projection moves them together
-- with use_totals in one round trip; here they are filled from use_totals, which existing systems already hold.

-- use_totals is keyed by everything the rollups group by, so that they are exact regroupings of it: a venue whose
-- category changes within a month gets a row per category instead of counting the rest of the month under the old one.
ALTER TABLE use_totals DROP CONSTRAINT use_totals_pkey, ADD PRIMARY KEY (month, venue_id, home_area, venue_area, category);

-- Uses per month, venue area and category: months × areas × 4 categories.
CREATE TABLE use_area_months (
    month      date NOT NULL,
    venue_area text NOT NULL,
    category   text NOT NULL,
    adult_uses int NOT NULL,
    child_uses int NOT NULL,
    assistants int NOT NULL,
    PRIMARY KEY (month, venue_area, category)
);

-- Uses per month, venue area and the card's home area, for uses by home area: months × areas × areas.
CREATE TABLE use_flow_months (
    month      date NOT NULL,
    venue_area text NOT NULL,
    home_area  text NOT NULL,
    adult_uses int NOT NULL,
    child_uses int NOT NULL,
    assistants int NOT NULL,
    PRIMARY KEY (month, venue_area, home_area)
);

-- The same per year, for the flows matrix, which the dashboard asks for over all years: years × areas × areas.
CREATE TABLE use_flow_years (
    year       int NOT NULL,
    venue_area text NOT NULL,
    home_area  text NOT NULL,
    adult_uses int NOT NULL,
    child_uses int NOT NULL,
    assistants int NOT NULL,
    PRIMARY KEY (year, venue_area, home_area)
);

INSERT INTO use_area_months (month, venue_area, category, adult_uses, child_uses, assistants)
SELECT month, venue_area, category, sum(adult_uses), sum(child_uses), sum(assistants) FROM use_totals GROUP BY month, venue_area, category;

INSERT INTO use_flow_months (month, venue_area, home_area, adult_uses, child_uses, assistants)
SELECT month, venue_area, home_area, sum(adult_uses), sum(child_uses), sum(assistants) FROM use_totals GROUP BY month, venue_area, home_area;

INSERT INTO use_flow_years (year, venue_area, home_area, adult_uses, child_uses, assistants)
SELECT extract(year FROM month)::int, venue_area, home_area, sum(adult_uses), sum(child_uses), sum(assistants) FROM use_totals
GROUP BY extract(year FROM month)::int, venue_area, home_area;

-- Uses by venue of one area: without it the area's rows are picked out of all of use_totals.
CREATE INDEX use_totals_venue_area ON use_totals (venue_area, month);

-- Active cards nationally: the days from today on, not every area's whole history.
CREATE INDEX card_validity_valid_until ON card_validity (valid_until) INCLUDE (cards);
