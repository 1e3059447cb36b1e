//! The depth of a parsed tree, walked never deeper than `CPython` would go.

use super::{BASE_LEVELS, Depth, MAX_DEPTH, MAX_PARSER_LEVELS, MAX_WALK};
use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{ElifElseClause, Expr, InterpolatedStringElement, ModModule, Operator, Stmt};
use ruff_text_size::{Ranged, TextSize};

/// The depth of `module` as `CPython`'s compiler and parser count it, walking no deeper than
/// they accept.
pub(in crate::lint) fn measure(module: &ModModule) -> Depth {
    let mut meter = Meter {
        depth: 0,
        levels: BASE_LEVELS,
        statement_levels: BASE_LEVELS,
        body_levels: 6,
        found: Depth::default(),
    };
    meter.visit_body(&module.body);
    meter.found
}

pub(super) struct Meter {
    pub(super) depth: usize,
    /// Estimated levels of `CPython`'s parser at the node being walked.
    pub(super) levels: usize,
    /// Levels of the statement being walked, before its own kind's difference.
    pub(super) statement_levels: usize,
    /// What the body of the statement being walked adds to `levels`.
    pub(super) body_levels: usize,
    pub(super) found: Depth,
}

impl Meter {
    /// Counts a node at `offset`; false when it is past a limit and must not be walked into.
    /// Past the compiler's depth the walk goes on (to the parser's limit, which has the
    /// first word), but not without bound.
    fn enter(&mut self, offset: TextSize) -> bool {
        self.depth += 1;
        self.found.max = self.found.max.max(self.depth);
        if self.levels > MAX_PARSER_LEVELS {
            self.found.parser_overflow.get_or_insert(offset);
            self.found.truncated = true;
            return false;
        }
        if self.depth > MAX_DEPTH {
            self.found.too_deep.get_or_insert(offset);
            if self.depth > MAX_WALK {
                self.found.truncated = true;
                return false;
            }
        }
        true
    }

    /// `f` with `levels` raised by `extra`, on enough stack.
    fn nested(&mut self, extra: usize, f: impl FnOnce(&mut Self)) {
        self.levels += extra;
        if self.depth > 64 {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || f(self));
        } else {
            f(self);
        }
        self.levels -= extra;
    }

    fn elif_else(&mut self, clauses: &[ElifElseClause]) {
        // Each `elif` is an `if` in the `else` of the one before it.
        let (depth, levels, statement) = (self.depth, self.levels, self.statement_levels);
        for clause in clauses {
            if let Some(test) = &clause.test {
                if !self.enter(clause.start()) {
                    break;
                }
                self.statement_levels += 1;
                self.levels = self.statement_levels - 1;
                self.visit_expr(test);
            }
            self.body_levels = 6;
            self.visit_body(&clause.body);
        }
        self.depth = depth;
        self.levels = levels;
        self.statement_levels = statement;
    }
}

impl<'a> Visitor<'a> for Meter {
    fn visit_body(&mut self, body: &'a [Stmt]) {
        let saved = self.levels;
        if self.depth > 0 {
            self.levels = self.statement_levels + self.body_levels;
        }
        self.nested(0, |this| {
            for stmt in body {
                this.visit_stmt(stmt);
            }
        });
        self.levels = saved;
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let (levels, statement) = (self.levels, self.statement_levels);
        if self.enter(stmt.start()) {
            self.body_levels = match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => 7,
                _ => 6,
            };
            // What each kind of statement costs before its expressions, against an
            // expression statement (measured).
            let own: isize = match stmt {
                Stmt::If(_)
                | Stmt::While(_)
                | Stmt::Assert(_)
                | Stmt::Raise(_)
                | Stmt::TypeAlias(_) => -1,
                Stmt::Return(_) => 1,
                Stmt::Assign(_) | Stmt::AugAssign(_) => 2,
                Stmt::AnnAssign(_) => 3,
                Stmt::Delete(_) => 6,
                _ => 0,
            };
            self.statement_levels = levels;
            self.levels = levels.saturating_add_signed(own);
            self.nested(0, |this| match stmt {
                Stmt::If(if_stmt) => {
                    this.visit_expr(&if_stmt.test);
                    this.visit_body(&if_stmt.body);
                    this.elif_else(&if_stmt.elif_else_clauses);
                }
                _ => walk_stmt(this, stmt),
            });
        }
        self.depth -= 1;
        self.levels = levels;
        self.statement_levels = statement;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.enter(expr.start()) {
            self.nested(0, |this| match expr {
                Expr::UnaryOp(unary) => this.nested(1, |this| this.visit_expr(&unary.operand)),
                Expr::BinOp(binary) if binary.op == Operator::Pow => {
                    this.visit_expr(&binary.left);
                    this.nested(2, |this| this.visit_expr(&binary.right));
                }
                Expr::Lambda(lambda) => {
                    if let Some(parameters) = &lambda.parameters {
                        this.visit_parameters(parameters);
                    }
                    this.nested(2, |this| this.visit_expr(&lambda.body));
                }
                Expr::If(if_expr) => {
                    this.visit_expr(&if_expr.body);
                    this.visit_expr(&if_expr.test);
                    this.nested(1, |this| this.visit_expr(&if_expr.orelse));
                }
                _ => walk_expr(this, expr),
            });
        }
        self.depth -= 1;
    }

    fn visit_interpolated_string_element(&mut self, element: &'a InterpolatedStringElement) {
        // `CPython`'s tree has a `FormattedValue` around each replacement field and a
        // `JoinedStr` around a format spec; literal parts are constants.
        match element {
            InterpolatedStringElement::Literal(literal) => {
                self.enter(literal.start());
            }
            InterpolatedStringElement::Interpolation(field) => {
                if self.enter(field.start()) {
                    self.nested(0, |this| {
                        this.visit_expr(&field.expression);
                        if let Some(spec) = &field.format_spec
                            && this.enter(spec.start())
                        {
                            for element in &spec.elements {
                                this.visit_interpolated_string_element(element);
                            }
                            this.depth -= 1;
                        } else if field.format_spec.is_some() {
                            this.depth -= 1;
                        }
                    });
                }
            }
        }
        self.depth -= 1;
    }
}
