import type { Questionnaire } from '../protocol/programs';

/** The three questions of a 校外培训 home-visit check (docs/verification.md, "The questionnaire"). */
export const HOME_VISIT_QUESTIONNAIRE: Questionnaire = {
  questions: [
    {
      text: '是否上门',
      options: [
        { label: '是', points: 30 },
        { label: '否', points: 0 },
      ],
    },
    {
      text: '是否讲解政策',
      options: [
        { label: '是', points: 20 },
        { label: '部分', points: 10 },
        { label: '否', points: 0 },
      ],
    },
    {
      text: '问题是否解决',
      options: [
        { label: '已解决', points: 30 },
        { label: '正在解决', points: 15 },
        { label: '未解决', points: 0 },
      ],
    },
  ],
};
